package io.jlibp2p.core.gater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.gater.ConnectionGatedException.Hook;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectionGatedExceptionTest {

  private final PeerId peer = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  private final Multiaddr local = Multiaddr.fromString("/ip4/0.0.0.0/tcp/4001");
  private final Multiaddr remote = Multiaddr.fromString("/ip4/10.1.2.3/tcp/5555");

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' does not mention " + part);
    }
  }

  @Test
  void dialPeerNamesThePeer() {
    ConnectionGatedException e = ConnectionGatedException.dialPeer(peer);
    assertEquals(Hook.DIAL_PEER, e.hook());
    assertEquals(Optional.of(peer), e.peer());
    assertEquals(Optional.empty(), e.address());
    assertMentions(e, peer.toString(), "allowDialPeer");
    assertInstanceOf(Libp2pException.class, e);
  }

  @Test
  void dialAddressNamesTheAddressAndThePeerIfKnown() {
    ConnectionGatedException named = ConnectionGatedException.dialAddress(Optional.of(peer), remote);
    assertEquals(Hook.DIAL_ADDRESS, named.hook());
    assertEquals(Optional.of(peer), named.peer());
    assertEquals(Optional.of(remote), named.address());
    assertMentions(named, remote.toString(), peer.toString(), "allowDialAddress");

    ConnectionGatedException unnamed = ConnectionGatedException.dialAddress(Optional.empty(), remote);
    assertEquals(Optional.empty(), unnamed.peer());
    assertMentions(unnamed, remote.toString());
  }

  @Test
  void acceptNamesTheRemoteAddress() {
    ConnectionGatedException e = ConnectionGatedException.accept(local, remote);
    assertEquals(Hook.ACCEPT, e.hook());
    assertEquals(Optional.empty(), e.peer());
    assertEquals(Optional.of(remote), e.address());
    assertMentions(e, "inbound", remote.toString(), local.toString(), "allowAccept");
  }

  @Test
  void securedNamesPeerAddressAndDirection() {
    ConnectionGatedException inbound = ConnectionGatedException.secured(Direction.INBOUND, peer, remote);
    assertEquals(Hook.SECURED, inbound.hook());
    assertEquals(Optional.of(peer), inbound.peer());
    assertEquals(Optional.of(remote), inbound.address());
    assertMentions(inbound, "from peer " + peer, remote.toString(), "allowSecured");
    assertMentions(ConnectionGatedException.secured(Direction.OUTBOUND, peer, remote), "to peer " + peer);
  }
}
