package io.jlibp2p.relay.internal;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.util.List;
import java.util.Optional;

/**
 * An address through a relay, taken apart: {@code <relay>/p2p-circuit[/p2p/<target>]}, where
 * {@code <relay>} ends in {@code /p2p/<relay's ID>}, with or without the relay's own address
 * before it.
 *
 * @param relay the relay's part, ending in its {@code /p2p}
 * @param relayPeer the relay's ID
 * @param target the peer reached through it, for an address to dial
 */
record CircuitAddress(Multiaddr relay, PeerId relayPeer, Optional<PeerId> target) {

  /** {@code address} as a circuit address, if it is one: one {@code /p2p-circuit}, a relay before it. */
  static Optional<CircuitAddress> parse(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    int circuit = -1;
    for (int i = 0; i < components.size(); i++) {
      if (components.get(i).protocol() == MultiaddrProtocol.P2P_CIRCUIT) {
        if (circuit >= 0) {
          return Optional.empty(); // a circuit through a circuit: refused, as go and js refuse it
        }
        circuit = i;
      }
    }
    if (circuit < 1 || components.get(circuit - 1).protocol() != MultiaddrProtocol.P2P) {
      return Optional.empty();
    }
    int after = components.size() - circuit - 1;
    if (after > 1 || after == 1 && components.get(circuit + 1).protocol() != MultiaddrProtocol.P2P) {
      return Optional.empty();
    }
    Multiaddr relay = Multiaddr.of(components.subList(0, circuit));
    Optional<PeerId> target = after == 1 ? PeerId.fromMultiaddr(address) : Optional.empty();
    return Optional.of(new CircuitAddress(relay, PeerId.fromMultiaddr(relay).orElseThrow(), target));
  }

  /** Whether the relay's part is its ID alone, so that the peerstore must know where it is. */
  boolean relayIdOnly() {
    return relay.components().size() == 1;
  }
}
