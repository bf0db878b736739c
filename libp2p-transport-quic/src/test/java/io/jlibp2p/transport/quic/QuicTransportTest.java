package io.jlibp2p.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.AbstractTransportTest;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuicTransportTest extends AbstractTransportTest {

  @Override
  protected Transport createTransport() {
    return QuicTransport.builder().threads(2).handshakeTimeout(java.time.Duration.ofSeconds(3)).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/udp/0/quic-v1");
  }

  @Override
  protected Multiaddr unsupportedAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001");
  }

  @Override
  protected String threadNamePrefix() {
    return "jlibp2p-quic";
  }

  @Test
  void connectionsArriveUpgradedWithTheProvenPeer() throws Exception {
    CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
    TransportListener listener = listen(accepted::complete);
    PeerId self = PeerId.fromPublicKey(identity.publicKey());
    Multiaddr address = listener.addresses().get(0).encapsulate(Multiaddr.fromString("/p2p/" + self));
    RawConnection dialed = await(transport.dial(address, c -> {}));
    SecureSession outbound = dialed.upgrade().orElseThrow().session();
    SecureSession inbound = await(accepted).upgrade().orElseThrow().session();
    assertEquals("/tls/1.0.0", outbound.protocolId());
    assertEquals(self, outbound.remotePeer());
    assertEquals(self, inbound.remotePeer());
    assertEquals("quic-v1", dialed.upgrade().get().muxer().protocolId());
    assertEquals(listener.addresses().get(0), dialed.remoteAddress(), "reported without /p2p");
    dialed.channel().close().sync();
  }

  @Test
  void aDialExpectingAnotherPeerFailsTheHandshake() throws Exception {
    TransportListener listener = listen(c -> {});
    PeerId other = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    Multiaddr address = listener.addresses().get(0).encapsulate(Multiaddr.fromString("/p2p/" + other));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> transport.dial(address, c -> {}).get(20, TimeUnit.SECONDS));
    TransportException failure = assertInstanceOf(TransportException.class, e.getCause());
    assertInstanceOf(PeerIdMismatchException.class, failure.getCause(), failure.toString());
    assertTrue(failure.getMessage().contains(other.toString()), failure.getMessage());
  }

  @Test
  void dialsLeaveFromTheListenersSocket() throws Exception {
    CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
    TransportListener listener = listen(c -> {});
    QuicTransport other = QuicTransport.builder().build();
    try {
      other.attach(new io.jlibp2p.core.transport.TransportContext(PrivateKey.generate(),
          io.jlibp2p.core.resource.ResourceLimits.unlimited()));
      TransportListener otherListener = await(other.listen(listenAddress(), accepted::complete));
      RawConnection dialed = await(transport.dial(otherListener.addresses().get(0), c -> {}));
      assertEquals(listener.addresses().get(0), dialed.localAddress());
      assertEquals(listener.addresses().get(0), await(accepted).remoteAddress());
    } finally {
      other.close();
    }
  }
}
