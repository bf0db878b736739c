package io.jlibp2p.relay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CircuitAddressTest {

  private static final PeerId RELAY = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  private static final PeerId TARGET = PeerId.fromPublicKey(PrivateKey.generate().publicKey());

  private static Optional<CircuitAddress> parse(String text) {
    return CircuitAddress.parse(Multiaddr.fromString(text));
  }

  @Test
  void anAddressToDialNamesTheRelayAndTheTarget() {
    CircuitAddress address = parse("/ip4/198.51.100.7/tcp/4001/p2p/" + RELAY + "/p2p-circuit/p2p/" + TARGET).orElseThrow();
    assertEquals(Multiaddr.fromString("/ip4/198.51.100.7/tcp/4001/p2p/" + RELAY), address.relay());
    assertEquals(RELAY, address.relayPeer());
    assertEquals(Optional.of(TARGET), address.target());
    assertFalse(address.relayIdOnly());
  }

  @Test
  void anAddressToListenOnHasNoTarget() {
    CircuitAddress address = parse("/p2p/" + RELAY + "/p2p-circuit").orElseThrow();
    assertEquals(Optional.empty(), address.target());
    assertTrue(address.relayIdOnly());
  }

  @Test
  void othersAreNotCircuitAddresses() {
    assertTrue(parse("/ip4/198.51.100.7/tcp/4001").isEmpty());
    assertTrue(parse("/ip4/198.51.100.7/tcp/4001/p2p/" + RELAY).isEmpty());
    assertTrue(parse("/p2p-circuit/p2p/" + TARGET).isEmpty(), "no relay before /p2p-circuit");
    assertTrue(parse("/ip4/198.51.100.7/tcp/4001/p2p-circuit").isEmpty(), "the relay without its ID");
    assertTrue(parse("/p2p/" + RELAY + "/p2p-circuit/ip4/198.51.100.7").isEmpty());
    assertTrue(parse("/p2p/" + RELAY + "/p2p-circuit/p2p/" + TARGET + "/p2p/" + RELAY).isEmpty());
    assertTrue(parse("/p2p/" + RELAY + "/p2p-circuit/p2p/" + TARGET + "/p2p-circuit").isEmpty(), "a circuit through a circuit");
  }
}
