package io.jlibp2p.integration;

import static io.jlibp2p.testing.CauseAssertions.assertCause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.transport.quic.QuicTransport;
import io.netty.buffer.Unpooled;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractHostTest} on QUIC: the host suite with connections that arrive secured (libp2p
 * TLS) and multiplexed (QUIC streams) from their transport. The hosts' own secure channel and
 * muxer are never negotiated.
 */
class QuicHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }

  @Override
  protected Transport newTransport() {
    return QuicTransport.builder().threads(2).handshakeTimeout(Duration.ofMillis(500)).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/udp/0/quic-v1");
  }

  @Override
  protected MultiaddrProtocol portProtocol() {
    return MultiaddrProtocol.UDP;
  }

  /** Dials leave from the listener's UDP socket, as a hole punch needs. */
  @Override
  protected boolean connectionsHaveTheirOwnSockets() {
    return false;
  }

  @Override
  protected String expectedSecurityProtocol() {
    return "/tls/1.0.0";
  }

  @Override
  protected String expectedMuxerProtocol() {
    return "quic-v1";
  }

  @Override
  protected boolean expectedMuxerInHandshake() {
    return true;
  }

  /** QUIC's handshake is the transport's: the mismatch fails the dial there, with the same cause. */
  @Override
  @Test
  void dialingTheWrongPeerIdFails() throws Exception {
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    Multiaddr wrong = someoneElse.appendTo(serverAddress().decapsulate(MultiaddrProtocol.P2P));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(client.dial(wrong)));
    PeerIdMismatchException mismatch = assertCause(PeerIdMismatchException.class, e);
    assertEquals(someoneElse, mismatch.expected());
    assertEquals(server.peerId(), mismatch.actual());
  }

  /** A UDP port that never answers: the dial fails once the QUIC handshake times out. */
  @Override
  @Test
  void silentPeerTimesTheUpgradeOut() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Host impatient = stack().builder().transport(newTransport()).build()) {
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/udp/" + silent.getLocalPort() + "/quic-v1");
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(impatient.dial(address)));
      TransportException failure = assertCause(TransportException.class, e);
      assertTrue(failure.getMessage().contains(address.toString()), failure.getMessage());
      assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
    }
  }

  /** Over QUIC the hosts' secure channels and muxers are never negotiated: any will do. */
  @Override
  @Test
  void noCommonSecureChannelFailsNamingWhatWasTried() throws Exception {
    try (Host odd = Host.builder()
        .transport(newTransport())
        .secureChannel(new NoiseSecureChannel())
        .muxer(MplexStreamMuxer.create())
        .build()) {
      Connection connection = await(odd.dial(serverAddress()));
      assertEquals("/tls/1.0.0", connection.securityProtocol());
      assertEquals("quic-v1", connection.muxerProtocol());
      await(odd.newStream(serverAddress(), Hosts.ECHO)).close();
    }
  }

  /**
   * Streams that end at once, each answered and ended by the listener as it reads the end: the
   * listener's FIN travels alone, after its data. Handed to quiche while the connection was
   * reading packets, such a FIN was sometimes dropped (quiche took the stream for finished once
   * an ACK for its data came in before the FIN was sent), and the stream never ended here.
   */
  @Test
  void everyEchoStreamEnds() throws Exception {
    Connection connection = await(client.dial(serverAddress()));
    for (int run = 0; run < 300; run++) {
      Stream stream = await(client.newStream(connection, Hosts.ECHO));
      StreamCollector collector = collect(stream);
      stream.writeAndFlush(Unpooled.copiedBuffer("request " + run, StandardCharsets.UTF_8));
      stream.closeWrite();
      assertEquals("request " + run, new String(collector.done.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }
  }
}
