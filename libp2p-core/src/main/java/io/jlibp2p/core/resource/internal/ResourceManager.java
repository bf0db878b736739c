package io.jlibp2p.core.resource.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ResourceUsage;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A host's resource scopes (see {@link ResourceLimits}) and the reservations made from them: a
 * connection's as it is accepted or dialed, a stream's as the muxer opens it, and memory as
 * buffers grow. One lock guards every scope, so that a reservation across a stream's chain of
 * scopes (stream, connection, peer, protocol or transient, service, system) is all or nothing; each
 * operation under it is a few additions.
 */
public final class ResourceManager implements ResourceUsage {

  private final ResourceLimits limits;
  private final BiConsumer<Optional<PeerId>, LimitExceededException> refusals;
  final Scope system;
  final Scope transientScope;
  private final Map<PeerId, Scope> peers = new HashMap<>();
  private final Map<String, Scope> protocols = new HashMap<>();
  private final Map<String, Scope> services = new HashMap<>();
  private final Map<String, Integer> inboundPerIp = new HashMap<>();

  /**
   * @param refusals hears of every refused reservation, with the peer when known: where the host
   *     reports them to its event listener and log
   */
  public ResourceManager(ResourceLimits limits, BiConsumer<Optional<PeerId>, LimitExceededException> refusals) {
    this.limits = limits;
    this.refusals = refusals;
    this.system = new Scope("system", limits.system(), true);
    this.transientScope = new Scope("transient", limits.transientScope());
  }

  /**
   * Counts a new connection in the transient scope until {@link ConnectionResources#setPeer}.
   *
   * @param remoteAddress the remote's address: an inbound connection counts against its IP's limit
   * @throws LimitExceededException if a scope or the per-IP limit has no room
   */
  public ConnectionResources openConnection(Direction direction, Multiaddr remoteAddress) {
    return openConnection(direction, remoteAddress, true);
  }

  /**
   * Like {@link #openConnection(Direction, Multiaddr)}; with {@code report} false a refusal is
   * not reported, for a caller that makes room and tries again.
   */
  public ConnectionResources openConnection(Direction direction, Multiaddr remoteAddress, boolean report) {
    // A relayed connection comes from the relay's IP and holds no socket of its own: neither the
    // per-IP count nor a file descriptor is its to take. A QUIC connection shares its listener's
    // UDP socket: it counts for its IP, but takes no file descriptor.
    boolean relayed = remoteAddress.has(MultiaddrProtocol.P2P_CIRCUIT);
    boolean ownSocket = !relayed && !remoteAddress.has(MultiaddrProtocol.QUIC_V1);
    String ip = direction == Direction.INBOUND && !relayed ? ipKey(remoteAddress) : null;
    try {
      synchronized (this) {
        if (ip != null) {
          int current = inboundPerIp.getOrDefault(ip, 0);
          if (current >= limits.inboundConnectionsPerIp()) {
            throw new LimitExceededException("ip:" + ip,
                "at most " + limits.inboundConnectionsPerIp() + " inbound connections from one address");
          }
          inboundPerIp.put(ip, current + 1);
        }
        ConnectionResources connection =
            new ConnectionResources(this, direction, ip, ownSocket, new Scope("connection", limits.connection()));
        try {
          reserve(connection.chain(), connection.charge());
        } catch (LimitExceededException e) {
          releaseIp(ip);
          throw e;
        }
        return connection;
      }
    } catch (LimitExceededException e) {
      if (report) {
        report(Optional.empty(), e);
      }
      throw e;
    }
  }

  /**
   * Tells the host of a refusal: called by the handles after they let go of the lock, since the
   * host logs and runs event listeners, which must not hold up every other event loop.
   */
  void report(Optional<PeerId> peer, LimitExceededException refusal) {
    refusals.accept(peer, refusal);
  }

  // ---- what the handles call, under this lock ----

  /**
   * Adds {@code charge} to every one of {@code scopes}, or to none if one has no room.
   *
   * @throws LimitExceededException not yet reported: see {@link #report}
   */
  void reserve(List<Scope> scopes, Charge charge) {
    synchronized (this) {
      for (Scope scope : scopes) {
        try {
          scope.check(charge);
        } catch (LimitExceededException e) {
          scopes.forEach(ResourceManager::forgetIfEmpty);
          throw e;
        }
      }
      for (Scope scope : scopes) {
        scope.apply(charge, 1);
      }
    }
  }

  void release(List<Scope> scopes, Charge charge) {
    synchronized (this) {
      for (Scope scope : scopes) {
        scope.apply(charge, -1);
        forgetIfEmpty(scope);
      }
    }
  }

  /**
   * Takes {@code leaving} out of {@code leave} and puts {@code entering} into {@code enter},
   * checking only the scopes entered: all of it, or nothing.
   *
   * @throws LimitExceededException not yet reported: see {@link #report}
   */
  void transfer(List<Scope> leave, Charge leaving, List<Scope> enter, Charge entering) {
    synchronized (this) {
      for (Scope scope : enter) {
        try {
          scope.check(entering);
        } catch (LimitExceededException e) {
          enter.forEach(ResourceManager::forgetIfEmpty);
          throw e;
        }
      }
      for (Scope scope : leave) {
        scope.apply(leaving, -1);
        forgetIfEmpty(scope);
      }
      enter.forEach(scope -> scope.apply(entering, 1));
    }
  }

  /** A named scope that holds nothing leaves its map; nothing holds it then. */
  private static void forgetIfEmpty(Scope scope) {
    if (scope.forget != null && scope.isEmpty()) {
      scope.forget.run();
    }
  }

  void releaseIp(String ip) {
    if (ip == null) {
      return;
    }
    synchronized (this) {
      inboundPerIp.computeIfPresent(ip, (k, count) -> count > 1 ? count - 1 : null);
    }
  }

  synchronized Scope peerScope(PeerId peer) {
    return named(peers, peer, "peer:" + peer, limits.peer(peer));
  }

  synchronized Scope protocolScope(String protocol) {
    return named(protocols, protocol, "protocol:" + protocol, limits.protocol(protocol));
  }

  synchronized Scope serviceScope(String service) {
    return named(services, service, "service:" + service, limits.service(service));
  }

  private static <K> Scope named(Map<K, Scope> scopes, K key, String name, io.jlibp2p.core.resource.ScopeLimit limit) {
    return scopes.computeIfAbsent(key, k -> {
      Scope scope = new Scope(name, limit);
      scope.forget = () -> scopes.remove(k, scope);
      return scope;
    });
  }

  ResourceLimits limitsInUse() {
    return limits;
  }

  /** An IPv4 address, or the /64 of an IPv6 one; null for an address without an IP. */
  public static String ipKey(Multiaddr address) {
    Optional<String> ip4 = address.valueOf(MultiaddrProtocol.IP4);
    if (ip4.isPresent()) {
      return ip4.get();
    }
    Optional<String> ip6 = address.valueOf(MultiaddrProtocol.IP6);
    if (ip6.isEmpty()) {
      return null;
    }
    try {
      byte[] bytes = InetAddress.getByName(ip6.get()).getAddress();
      return bytes.length == 4 ? InetAddress.getByAddress(bytes).getHostAddress()
          : HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
    } catch (UnknownHostException e) {
      return ip6.get(); // a literal the multiaddr codec already validated; cannot happen
    }
  }

  // ---- ResourceUsage ----

  @Override
  public synchronized ScopeUsage system() {
    return system.usage();
  }

  @Override
  public synchronized ScopeUsage transientScope() {
    return transientScope.usage();
  }

  @Override
  public Map<PeerId, ScopeUsage> peers() {
    return snapshot(peers);
  }

  @Override
  public Map<String, ScopeUsage> protocols() {
    return snapshot(protocols);
  }

  @Override
  public Map<String, ScopeUsage> services() {
    return snapshot(services);
  }

  private synchronized <K> Map<K, ScopeUsage> snapshot(Map<K, Scope> scopes) {
    Map<K, ScopeUsage> copy = new HashMap<>();
    scopes.forEach((key, scope) -> copy.put(key, scope.usage()));
    return Map.copyOf(copy);
  }

  @Override
  public ResourceLimits limits() {
    return limits;
  }

  @Override
  public String toString() {
    return "ResourceManager(" + system + ", " + transientScope + ")";
  }
}
