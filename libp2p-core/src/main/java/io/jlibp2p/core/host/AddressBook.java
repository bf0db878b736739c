package io.jlibp2p.core.host;

import io.jlibp2p.core.PeerId;
import io.jlibp2p.core.multiformats.Multiaddr;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses known for each peer, so that {@link Host#newStream(PeerId, String...)} can dial
 * by peer ID. A minimal in-memory book; the peerstore (with TTLs and certified records) replaces
 * it later.
 */
public final class AddressBook {

  /** Addresses kept per peer; older ones are dropped beyond it. */
  public static final int MAX_ADDRESSES_PER_PEER = 32;

  /** Immutable lists, replaced on every change, so readers need no lock. */
  private final Map<PeerId, List<Multiaddr>> addresses = new ConcurrentHashMap<>();

  /** Records addresses of {@code peer}; a trailing {@code /p2p/<peer>} is removed. */
  public void add(PeerId peer, List<Multiaddr> known) {
    addresses.compute(peer, (p, existing) -> {
      Set<Multiaddr> set = existing == null ? new LinkedHashSet<>() : new LinkedHashSet<>(existing);
      for (Multiaddr address : known) {
        set.add(withoutPeer(address, peer));
      }
      List<Multiaddr> all = List.copyOf(set);
      return all.subList(Math.max(0, all.size() - MAX_ADDRESSES_PER_PEER), all.size());
    });
  }

  /** The known addresses of {@code peer}, oldest first. */
  public List<Multiaddr> get(PeerId peer) {
    return addresses.getOrDefault(peer, List.of());
  }

  private static Multiaddr withoutPeer(Multiaddr address, PeerId peer) {
    return address.peerId().filter(peer::equals).isPresent()
        ? address.decapsulate(io.jlibp2p.core.multiformats.MultiaddrProtocol.P2P)
        : address;
  }
}
