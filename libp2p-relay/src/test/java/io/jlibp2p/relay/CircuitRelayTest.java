package io.jlibp2p.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import org.junit.jupiter.api.Test;

class CircuitRelayTest {

  private static final PeerId RELAY = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  private static final PeerId TARGET = PeerId.fromPublicKey(PrivateKey.generate().publicKey());

  @Test
  void circuitAddressesAppendTheCircuitAndTheTarget() {
    Multiaddr relay = Multiaddr.fromString("/ip4/198.51.100.7/tcp/4001/p2p/" + RELAY);
    assertEquals(Multiaddr.fromString(relay + "/p2p-circuit"), CircuitRelay.circuitAddress(relay));
    assertEquals(Multiaddr.fromString(relay + "/p2p-circuit/p2p/" + TARGET), CircuitRelay.circuitAddress(relay, TARGET));
  }

  @Test
  void aRelayAddressMustNameTheRelayAndNotBeACircuit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CircuitRelay.circuitAddress(Multiaddr.fromString("/ip4/198.51.100.7/tcp/4001")));
    assertEquals("a relay's address ends in /p2p/<relay> and holds no /p2p-circuit: /ip4/198.51.100.7/tcp/4001", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> CircuitRelay.circuitAddress(Multiaddr.fromString("/p2p/" + RELAY + "/p2p-circuit/p2p/" + TARGET)));
  }
}
