package io.jlibp2p.core.peerstore;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What this node knows about other peers: their addresses with a time to live, their keys, the
 * protocols they speak, their signed peer records, and what identify told about them. Thread-safe.
 *
 * <p>It is bounded: beyond {@link Builder#maxPeers(int)} peers, the least recently used one is
 * forgotten, and each peer keeps at most {@link #MAX_ADDRESSES_PER_PEER} addresses and {@link
 * #MAX_PROTOCOLS_PER_PEER} protocols.
 *
 * <p>Addresses from a verified {@link SignedPeerRecord} are "certified": they come first in {@link
 * #addresses(PeerId)}, and a newer record replaces them. A record whose sequence number is not
 * greater than the stored one is refused.
 */
public final class Peerstore {

  /** For an address seen in passing, such as one dialed on the user's word. */
  public static final Duration TEMPORARY_TTL = Duration.ofMinutes(2);

  /** For a peer's addresses after its last connection closed. */
  public static final Duration RECENTLY_CONNECTED_TTL = Duration.ofMinutes(15);

  /** For a connected peer's addresses: they last until {@link #updateTtl} shortens them. */
  public static final Duration CONNECTED_TTL = Duration.ofDays(365 * 100L);

  /** For addresses that never expire. */
  public static final Duration PERMANENT_TTL = Duration.ofDays(365 * 100L + 1);

  /** Addresses kept per peer; the ones that expire soonest go first beyond it. */
  public static final int MAX_ADDRESSES_PER_PEER = 64;

  /** Protocols kept per peer; a longer list is cut. */
  public static final int MAX_PROTOCOLS_PER_PEER = 256;

  private static final class AddressEntry {
    Instant expiry;
    Duration ttl;
    boolean certified;

    AddressEntry(Instant expiry, Duration ttl, boolean certified) {
      this.expiry = expiry;
      this.ttl = ttl;
      this.certified = certified;
    }
  }

  private static final class PeerEntry {
    final Map<Multiaddr, AddressEntry> addresses = new LinkedHashMap<>();
    PublicKey publicKey;
    Set<String> protocols = Set.of();
    SignedPeerRecord record;
    PeerMetadata metadata = PeerMetadata.EMPTY;
  }

  private final Clock clock;
  private final int maxPeers;
  /** In access order; every method holds the lock on it. */
  private final LinkedHashMap<PeerId, PeerEntry> peers;

  private Peerstore(Builder builder) {
    this.clock = builder.clock;
    this.maxPeers = builder.maxPeers;
    this.peers = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<PeerId, PeerEntry> eldest) {
        return size() > maxPeers;
      }
    };
  }

  /** A peerstore of at most 10,000 peers on the system clock. */
  public static Peerstore create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  private PeerEntry entry(PeerId peer) {
    return peers.computeIfAbsent(Objects.requireNonNull(peer, "peer"), p -> new PeerEntry());
  }

  private Optional<PeerEntry> existing(PeerId peer) {
    return Optional.ofNullable(peers.get(peer));
  }

  // ---------------------------------------------------------------- addresses

  /**
   * Adds addresses of {@code peer} that live for {@code ttl}; a trailing {@code /p2p/<peer>} is
   * dropped. An address already known keeps the later of its two expiries.
   */
  public synchronized void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
    PeerEntry entry = entry(peer);
    Instant now = clock.instant();
    for (Multiaddr address : addresses) {
      put(entry, withoutPeer(address, peer), now, ttl, false);
    }
    trim(entry, now);
  }

  private static void put(PeerEntry entry, Multiaddr address, Instant now, Duration ttl, boolean certified) {
    Instant expiry = expiry(now, ttl);
    AddressEntry known = entry.addresses.get(address);
    if (known == null) {
      entry.addresses.put(address, new AddressEntry(expiry, ttl, certified));
      return;
    }
    if (expiry.isAfter(known.expiry)) {
      known.expiry = expiry;
      known.ttl = ttl;
    }
    known.certified |= certified;
  }

  private static Instant expiry(Instant now, Duration ttl) {
    return ttl.compareTo(PERMANENT_TTL) >= 0 ? Instant.MAX : now.plus(ttl);
  }

  /** Drops expired addresses, then the ones that expire soonest (uncertified first) beyond the bound. */
  private static void trim(PeerEntry entry, Instant now) {
    entry.addresses.values().removeIf(a -> !a.expiry.isAfter(now));
    int excess = entry.addresses.size() - MAX_ADDRESSES_PER_PEER;
    if (excess > 0) {
      entry.addresses.entrySet().stream()
          .sorted(Comparator.comparing((Map.Entry<Multiaddr, AddressEntry> e) -> e.getValue().certified)
              .thenComparing(e -> e.getValue().expiry))
          .limit(excess)
          .map(Map.Entry::getKey)
          .toList()
          .forEach(entry.addresses::remove);
    }
  }

  /**
   * Gives every address of {@code peer} added with {@code oldTtl} the new time to live {@code
   * newTtl} from now, as when its last connection closes ({@link #CONNECTED_TTL} to {@link
   * #RECENTLY_CONNECTED_TTL}).
   */
  public synchronized void updateTtl(PeerId peer, Duration oldTtl, Duration newTtl) {
    existing(peer).ifPresent(entry -> {
      Instant now = clock.instant();
      for (AddressEntry address : entry.addresses.values()) {
        if (address.ttl.equals(oldTtl)) {
          address.ttl = newTtl;
          address.expiry = expiry(now, newTtl);
        }
      }
      trim(entry, now);
    });
  }

  /** The unexpired addresses of {@code peer}: certified ones first, then in the order learned. */
  public synchronized List<Multiaddr> addresses(PeerId peer) {
    Instant now = clock.instant();
    return existing(peer).map(entry -> {
      List<Multiaddr> certified = new ArrayList<>();
      List<Multiaddr> others = new ArrayList<>();
      entry.addresses.forEach((address, a) -> {
        if (a.expiry.isAfter(now)) {
          (a.certified ? certified : others).add(address);
        }
      });
      certified.addAll(others);
      return List.copyOf(certified);
    }).orElse(List.of());
  }

  /** Forgets every address of {@code peer}. */
  public synchronized void clearAddresses(PeerId peer) {
    existing(peer).ifPresent(entry -> entry.addresses.clear());
  }

  /**
   * {@code address} without its trailing {@code /p2p/<peer>}. Only a trailing one names the peer:
   * in a relay's circuit address ({@code .../p2p/RELAY/p2p-circuit}) the {@code /p2p} is the relay's.
   */
  private static Multiaddr withoutPeer(Multiaddr address, PeerId peer) {
    List<MultiaddrComponent> components = address.components();
    if (components.isEmpty() || components.get(components.size() - 1).protocol() != MultiaddrProtocol.P2P) {
      return address;
    }
    PeerId named = PeerId.fromMultiaddr(address).orElseThrow();
    if (!named.equals(peer)) {
      throw new IllegalArgumentException(address + " names another peer than " + peer);
    }
    return address.decapsulate(MultiaddrProtocol.P2P);
  }

  // ---------------------------------------------------------------- signed peer records

  /**
   * Stores a verified peer record if it is newer than the one stored, and makes its addresses the
   * peer's certified ones, for {@code ttl}. Certified addresses of the older record that the new
   * one leaves out are forgotten.
   *
   * @return whether it was stored: false if a record with an equal or greater sequence number was
   *     there already (except the very same record, whose addresses are refreshed)
   */
  public synchronized boolean consumePeerRecord(SignedPeerRecord signed, Duration ttl) {
    PeerRecord record = signed.record();
    PeerEntry entry = entry(record.peerId());
    if (entry.record != null && !record.isNewerThan(entry.record.record()) && !entry.record.equals(signed)) {
      return false;
    }
    Instant now = clock.instant();
    Set<Multiaddr> fresh = new LinkedHashSet<>(record.addresses());
    entry.addresses.entrySet().removeIf(e -> e.getValue().certified && !fresh.contains(e.getKey()));
    for (Multiaddr address : fresh) {
      put(entry, withoutPeer(address, record.peerId()), now, ttl, true);
    }
    entry.record = signed;
    if (entry.publicKey == null) {
      entry.publicKey = signed.envelope().publicKey();
    }
    trim(entry, now);
    return true;
  }

  /** The newest signed peer record of {@code peer}. */
  public synchronized Optional<SignedPeerRecord> peerRecord(PeerId peer) {
    return existing(peer).map(e -> e.record);
  }

  // ---------------------------------------------------------------- keys

  /**
   * Records the public key of {@code peer}.
   *
   * @throws IllegalArgumentException if {@code peer} is not derived from {@code key}
   */
  public synchronized void addPublicKey(PeerId peer, PublicKey key) {
    if (!peer.matches(key)) {
      throw new IllegalArgumentException("the " + key.type() + " key of peer " + PeerId.fromPublicKey(key) + " is not that of " + peer);
    }
    entry(peer).publicKey = key;
  }

  /** The public key of {@code peer}: recorded, or inlined in its ID. */
  public synchronized Optional<PublicKey> publicKey(PeerId peer) {
    return existing(peer).map(e -> e.publicKey).or(peer::publicKey);
  }

  // ---------------------------------------------------------------- protocols

  /** Replaces the protocols {@code peer} speaks. */
  public synchronized void setProtocols(PeerId peer, Collection<String> protocols) {
    entry(peer).protocols = bounded(protocols);
  }

  /** Adds protocols {@code peer} speaks. */
  public synchronized void addProtocols(PeerId peer, Collection<String> protocols) {
    PeerEntry entry = entry(peer);
    Set<String> all = new LinkedHashSet<>(entry.protocols);
    all.addAll(protocols);
    entry.protocols = bounded(all);
  }

  /** Removes protocols {@code peer} no longer speaks. */
  public synchronized void removeProtocols(PeerId peer, Collection<String> protocols) {
    existing(peer).ifPresent(entry -> {
      Set<String> rest = new LinkedHashSet<>(entry.protocols);
      rest.removeAll(protocols);
      entry.protocols = bounded(rest);
    });
  }

  private static Set<String> bounded(Collection<String> protocols) {
    Set<String> kept = new LinkedHashSet<>();
    protocols.stream().limit(MAX_PROTOCOLS_PER_PEER).forEach(kept::add);
    return Collections.unmodifiableSet(kept);
  }

  /** The protocols {@code peer} is known to speak. */
  public synchronized Set<String> protocols(PeerId peer) {
    return existing(peer).map(e -> e.protocols).orElse(Set.of());
  }

  /** Whether {@code peer} is known to speak {@code protocol}. */
  public synchronized boolean supports(PeerId peer, String protocol) {
    return protocols(peer).contains(protocol);
  }

  // ---------------------------------------------------------------- metadata

  /** Replaces what identify told about {@code peer}. */
  public synchronized void setMetadata(PeerId peer, PeerMetadata metadata) {
    entry(peer).metadata = Objects.requireNonNull(metadata, "metadata");
  }

  /** What identify told about {@code peer}. */
  public synchronized PeerMetadata metadata(PeerId peer) {
    return existing(peer).map(e -> e.metadata).orElse(PeerMetadata.EMPTY);
  }

  // ---------------------------------------------------------------- peers

  /** The peers known, least recently used first. */
  public synchronized List<PeerId> peers() {
    return List.copyOf(peers.keySet());
  }

  /** Whether anything is known about {@code peer}; does not count as a use. */
  public synchronized boolean contains(PeerId peer) {
    return peers.containsKey(peer);
  }

  /** Forgets everything about {@code peer}. */
  public synchronized void remove(PeerId peer) {
    peers.remove(peer);
  }

  /** How many peers are known. */
  public synchronized int size() {
    return peers.size();
  }

  /** Configures a {@link Peerstore}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maxPeers = 10_000;

    private Builder() {}

    /** The clock that times addresses out; the system clock by default. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The most peers kept; the least recently used is forgotten beyond it. 10,000 by default. */
    public Builder maxPeers(int maxPeers) {
      if (maxPeers < 1) {
        throw new IllegalArgumentException("maxPeers must be at least 1, got " + maxPeers);
      }
      this.maxPeers = maxPeers;
      return this;
    }

    public Peerstore build() {
      return new Peerstore(this);
    }
  }
}
