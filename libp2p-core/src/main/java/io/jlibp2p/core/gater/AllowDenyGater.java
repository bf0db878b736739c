package io.jlibp2p.core.gater;

import io.jlibp2p.core.Direction;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A {@link ConnectionGater} of peer IDs and IP subnets, denied or allowed. It gates dials (peer and
 * address), accepts and secured connections; {@link #allowUpgraded} lets through what {@link
 * #allowSecured} already let through.
 *
 * <pre>{@code
 * AllowDenyGater gater = AllowDenyGater.builder()
 *     .denySubnet("10.0.0.0/8")
 *     .denySubnet("fd00::/8")
 *     .build();
 * // Later, from any thread: ban a peer that misbehaved.
 * gater.denyPeer(peer);
 * }</pre>
 *
 * <p><b>Two modes</b>, fixed when it is built:
 *
 * <ul>
 *   <li>{@link Mode#DENY_LIST} ({@link #builder()}): everything is allowed except a denied peer or an
 *       address in a denied subnet. Allow entries would change nothing, so adding one is an error.
 *   <li>{@link Mode#ALLOW_LIST} ({@link #allowListBuilder()}): a connection goes through only if its
 *       peer is allowed <em>or</em> its IP is in an allowed subnet, so {@code allowPeer(bootstrap)}
 *       plus {@code allowSubnet("192.168.0.0/16")} means "the bootstrap node anywhere, and anyone on
 *       the LAN". A hook refuses as soon as what it knows rules out both: {@link #allowAccept} does
 *       not know the peer yet, so it refuses an IP outside the allowed subnets only when no peer is
 *       allowed; {@link #allowSecured} then decides with both.
 * </ul>
 *
 * <p>In both modes <b>deny wins</b>: a denied peer is refused even from an allowed subnet, and an
 * address in a denied subnet even for an allowed peer.
 *
 * <p>An address is matched by its first {@code /ip4} or {@code /ip6} component (see {@link
 * IpSubnet#contains(Multiaddr)}); an address without one, such as {@code /dns4/...}, is matched by
 * peer only, so in allow-list mode it needs an allowed peer. A dial to an address without a named
 * peer is matched by the address's {@code /p2p} component, if it has one.
 *
 * <p><b>Thread-safe, and mutable at runtime.</b> The builder sets the initial lists; {@link
 * #denyPeer}, {@link #allowSubnet} and the others change them afterwards, from any thread, and the
 * next hook sees the change. That is what a gater is for in practice (banning a peer that
 * misbehaves, as go-libp2p's {@code BasicConnectionGater.BlockPeer} does) and the host keeps the
 * gater it was built with. Connections already open are not closed by a change. Peers are kept in
 * concurrent hash sets; subnets in copy-on-write sets, scanned in full on each hook, so lists of a
 * few hundred subnets cost little and changing them is the rare operation.
 */
public final class AllowDenyGater implements ConnectionGater {

  /** Whether entries deny exceptions from "all allowed" or allow exceptions from "all denied". */
  public enum Mode {
    /** Everything is allowed except what is denied. */
    DENY_LIST,
    /** Only what is allowed goes through, and not if it is also denied. */
    ALLOW_LIST
  }

  private final Mode mode;
  private final Set<PeerId> deniedPeers = ConcurrentHashMap.newKeySet();
  private final Set<PeerId> allowedPeers = ConcurrentHashMap.newKeySet();
  private final Set<IpSubnet> deniedSubnets;
  private final Set<IpSubnet> allowedSubnets;

  private AllowDenyGater(Builder builder) {
    this.mode = builder.mode;
    deniedPeers.addAll(builder.deniedPeers);
    allowedPeers.addAll(builder.allowedPeers);
    this.deniedSubnets = new CopyOnWriteArraySet<>(builder.deniedSubnets);
    this.allowedSubnets = new CopyOnWriteArraySet<>(builder.allowedSubnets);
  }

  /** A builder in {@link Mode#DENY_LIST} mode: all allowed but what it denies. */
  public static Builder builder() {
    return new Builder(Mode.DENY_LIST);
  }

  /** A builder in {@link Mode#ALLOW_LIST} mode: nothing allowed but what it allows. */
  public static Builder allowListBuilder() {
    return new Builder(Mode.ALLOW_LIST);
  }

  /** A builder with this gater's mode and current lists, to derive a variant. */
  public Builder newBuilder() {
    Builder builder = new Builder(mode);
    builder.deniedPeers.addAll(deniedPeers);
    builder.allowedPeers.addAll(allowedPeers);
    builder.deniedSubnets.addAll(deniedSubnets);
    builder.allowedSubnets.addAll(allowedSubnets);
    return builder;
  }

  /** The mode it was built with. */
  public Mode mode() {
    return mode;
  }

  // ---------------------------------------------------------------- hooks

  @Override
  public boolean allowDialPeer(PeerId peer) {
    // The address is still to come: allowDialAddress may yet let an allow-listed subnet through.
    return allows(Objects.requireNonNull(peer, "peer"), null, false, true);
  }

  @Override
  public boolean allowDialAddress(Optional<PeerId> peer, Multiaddr address) {
    Optional<PeerId> target = peer.isPresent() ? peer : PeerId.fromMultiaddr(address);
    return allows(target.orElse(null), IpSubnet.firstIp(address).orElse(null), target.isEmpty(), false);
  }

  @Override
  public boolean allowAccept(Multiaddr localAddress, Multiaddr remoteAddress) {
    return allows(null, IpSubnet.firstIp(remoteAddress).orElse(null), true, false);
  }

  @Override
  public boolean allowSecured(Direction direction, PeerId peer, Multiaddr remoteAddress) {
    return allows(Objects.requireNonNull(peer, "peer"), IpSubnet.firstIp(remoteAddress).orElse(null), false, false);
  }

  /**
   * The one rule behind every hook.
   *
   * @param peer the peer, or {@code null} if the hook does not know it
   * @param ip the address's IP bytes, or {@code null} if the hook has no address or it has no IP
   * @param peerLater whether a later hook will learn the peer
   * @param ipLater whether a later hook will learn the address
   */
  private boolean allows(PeerId peer, byte[] ip, boolean peerLater, boolean ipLater) {
    if (peer != null && deniedPeers.contains(peer)) {
      return false;
    }
    if (ip != null && anyContains(deniedSubnets, ip)) {
      return false;
    }
    if (mode == Mode.DENY_LIST) {
      return true;
    }
    boolean peerMayAllow = peer != null ? allowedPeers.contains(peer) : peerLater && !allowedPeers.isEmpty();
    boolean ipMayAllow = ip != null ? anyContains(allowedSubnets, ip) : ipLater && !allowedSubnets.isEmpty();
    return peerMayAllow || ipMayAllow;
  }

  private static boolean anyContains(Set<IpSubnet> subnets, byte[] ip) {
    for (IpSubnet subnet : subnets) {
      if (subnet.containsBytes(ip)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- runtime changes

  /** Denies {@code peer} from the next hook on; {@code true} if it was not denied already. */
  public boolean denyPeer(PeerId peer) {
    return deniedPeers.add(Objects.requireNonNull(peer, "peer"));
  }

  /** Lifts the denial of {@code peer}; {@code true} if it was denied. */
  public boolean removeDeniedPeer(PeerId peer) {
    return deniedPeers.remove(peer);
  }

  /**
   * Allows {@code peer} from the next hook on; {@code true} if it was not allowed already.
   *
   * @throws IllegalStateException in {@link Mode#DENY_LIST} mode, where it would change nothing
   */
  public boolean allowPeer(PeerId peer) {
    requireAllowList("allowPeer(" + peer + ")");
    return allowedPeers.add(Objects.requireNonNull(peer, "peer"));
  }

  /** Takes {@code peer} off the allow-list; {@code true} if it was on it. */
  public boolean removeAllowedPeer(PeerId peer) {
    return allowedPeers.remove(peer);
  }

  /** Denies every address in {@code subnet}; {@code true} if it was not denied already. */
  public boolean denySubnet(IpSubnet subnet) {
    return deniedSubnets.add(Objects.requireNonNull(subnet, "subnet"));
  }

  /** Lifts the denial of {@code subnet}, the same one that was denied; {@code true} if it was. */
  public boolean removeDeniedSubnet(IpSubnet subnet) {
    return deniedSubnets.remove(subnet);
  }

  /**
   * Allows every address in {@code subnet}; {@code true} if it was not allowed already.
   *
   * @throws IllegalStateException in {@link Mode#DENY_LIST} mode, where it would change nothing
   */
  public boolean allowSubnet(IpSubnet subnet) {
    requireAllowList("allowSubnet(" + subnet + ")");
    return allowedSubnets.add(Objects.requireNonNull(subnet, "subnet"));
  }

  /** Takes {@code subnet} off the allow-list; {@code true} if it was on it. */
  public boolean removeAllowedSubnet(IpSubnet subnet) {
    return allowedSubnets.remove(subnet);
  }

  private void requireAllowList(String call) {
    if (mode != Mode.ALLOW_LIST) {
      throw new IllegalStateException(call + " has no effect on a DENY_LIST gater, which allows all that is not"
          + " denied; build it with AllowDenyGater.allowListBuilder() to allow only some");
    }
  }

  /** The denied peers now, a snapshot. */
  public Set<PeerId> deniedPeers() {
    return Set.copyOf(deniedPeers);
  }

  /** The allowed peers now, a snapshot. */
  public Set<PeerId> allowedPeers() {
    return Set.copyOf(allowedPeers);
  }

  /** The denied subnets now, a snapshot. */
  public Set<IpSubnet> deniedSubnets() {
    return Set.copyOf(deniedSubnets);
  }

  /** The allowed subnets now, a snapshot. */
  public Set<IpSubnet> allowedSubnets() {
    return Set.copyOf(allowedSubnets);
  }

  @Override
  public String toString() {
    return "AllowDenyGater{mode=" + mode + ", deniedPeers=" + deniedPeers.size() + ", deniedSubnets=" + deniedSubnets
        + ", allowedPeers=" + allowedPeers.size() + ", allowedSubnets=" + allowedSubnets + "}";
  }

  /**
   * Collects the initial lists of an {@link AllowDenyGater}; its mode is chosen by {@link
   * AllowDenyGater#builder()} or {@link AllowDenyGater#allowListBuilder()}. Not thread-safe; the
   * gater it builds is, and {@link #build()} copies the lists, so building again after a change
   * gives a second, independent gater.
   */
  public static final class Builder {
    private final Mode mode;
    private final Set<PeerId> deniedPeers = new LinkedHashSet<>();
    private final Set<PeerId> allowedPeers = new LinkedHashSet<>();
    private final Set<IpSubnet> deniedSubnets = new LinkedHashSet<>();
    private final Set<IpSubnet> allowedSubnets = new LinkedHashSet<>();

    private Builder(Mode mode) {
      this.mode = mode;
    }

    /** Refuses {@code peer}, whatever its address. */
    public Builder denyPeer(PeerId peer) {
      deniedPeers.add(Objects.requireNonNull(peer, "peer"));
      return this;
    }

    /** Refuses {@code peers}, whatever their addresses. */
    public Builder denyPeers(Collection<PeerId> peers) {
      peers.forEach(this::denyPeer);
      return this;
    }

    /** Lets {@code peer} through from any address not denied; allow-list mode only. */
    public Builder allowPeer(PeerId peer) {
      allowedPeers.add(Objects.requireNonNull(peer, "peer"));
      return this;
    }

    /** Lets {@code peers} through from any address not denied; allow-list mode only. */
    public Builder allowPeers(Collection<PeerId> peers) {
      peers.forEach(this::allowPeer);
      return this;
    }

    /** Refuses every address in {@code subnet}, whatever the peer. */
    public Builder denySubnet(IpSubnet subnet) {
      deniedSubnets.add(Objects.requireNonNull(subnet, "subnet"));
      return this;
    }

    /**
     * Refuses every address in {@code cidr}, such as {@code "10.0.0.0/8"}, whatever the peer.
     *
     * @throws IllegalArgumentException if {@link IpSubnet#parse} refuses the text
     */
    public Builder denySubnet(String cidr) {
      return denySubnet(IpSubnet.parse(cidr));
    }

    /** Lets every address in {@code subnet} through, unless its peer is denied; allow-list mode only. */
    public Builder allowSubnet(IpSubnet subnet) {
      allowedSubnets.add(Objects.requireNonNull(subnet, "subnet"));
      return this;
    }

    /**
     * Lets every address in {@code cidr} through, unless its peer is denied; allow-list mode only.
     *
     * @throws IllegalArgumentException if {@link IpSubnet#parse} refuses the text
     */
    public Builder allowSubnet(String cidr) {
      return allowSubnet(IpSubnet.parse(cidr));
    }

    /**
     * Builds the gater.
     *
     * @throws IllegalStateException if a deny-list builder was given allow entries, which would
     *     change nothing: use {@link AllowDenyGater#allowListBuilder()}
     */
    public AllowDenyGater build() {
      if (mode == Mode.DENY_LIST && !(allowedPeers.isEmpty() && allowedSubnets.isEmpty())) {
        throw new IllegalStateException("a DENY_LIST gater allows all that is not denied, so its "
            + allowedPeers.size() + " allowed peer(s) and allowed subnets " + allowedSubnets
            + " would have no effect; use AllowDenyGater.allowListBuilder() to allow only some");
      }
      return new AllowDenyGater(this);
    }
  }
}
