package io.jlibp2p.integration.soak;

import static io.jlibp2p.testing.CauseAssertions.assertCause;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.integration.Hosts;
import io.jlibp2p.integration.probe.ResourceProbe;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.transport.quic.QuicTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing leaks over time (issue 18): thousands of connections between two hosts, each living its
 * whole life, and thousands of failed dials, leave the process's descriptors, threads, Netty's
 * direct memory and live heap where they were ({@link Soak} states the tolerances). Runs with the
 * module's paranoid leak detection and BlockHound, like every test here.
 *
 * <p>The size comes from {@code -Dsoak.cycles} (cycles per stack) and {@code -Dsoak.failedDials}
 * (failed dials of each kind), after {@code -Dsoak.warmup} unmeasured rounds of each case. The
 * defaults keep the class within about two minutes on a 2-core machine; {@code bench/soak.sh}
 * runs the full size (10,000 and 1,000).
 */
@Timeout(value = 3, unit = TimeUnit.HOURS) // the size is a property; each wait of a round has its own bound
class SoakTest {

  /** Measured connection cycles per stack; {@code -Dsoak.cycles}. */
  static final int CYCLES = Integer.getInteger("soak.cycles", 1000);

  /** Measured failed dials of each kind; {@code -Dsoak.failedDials}. */
  static final int FAILED_DIALS = Integer.getInteger("soak.failedDials", 100);

  /** What each cycle's stream carries there and back. */
  static final int ECHO_BYTES = 1024;

  /**
   * The dialer's upgrade phase timeout in the timed-out case: short, so that a thousand timeouts
   * take little time, and still some multiple of a loopback handshake's few milliseconds.
   */
  static final Duration SHORT_UPGRADE_TIMEOUT = Duration.ofMillis(100);

  /**
   * The QUIC listener's handshake timeout in the wrong-peer case: what it keeps of the handshakes
   * its dialers refused is what some 60 of them hold.
   */
  static final Duration LISTENER_HANDSHAKE_TIMEOUT = Duration.ofMillis(500);

  /**
   * One cycle, {@code CYCLES} times per stack: dial (a new connection each time, the previous one
   * closed and forgotten), identify both ways, an echo stream carrying {@value #ECHO_BYTES} bytes
   * there and back, the stream closed, the connection closed gracefully, and both hosts back to
   * holding nothing: no connection, nothing in any resource scope.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Hosts.Stack.class, names = {"NOISE_YAMUX", "PLAINTEXT_MPLEX"})
  void connectIdentifyStreamCloseCycles(Hosts.Stack stack) throws Exception {
    byte[] payload = new byte[ECHO_BYTES];
    new Random(18).nextBytes(payload);
    try (Host server = stack.host(); Host client = stack.host()) {
      server.start().join();
      client.start().join();
      Multiaddr address = server.listenAddresses().get(0);
      Soak.run("cycles." + stack, CYCLES, Map.of(), i -> cycle(client, server, address, payload));
    }
  }

  private static void cycle(Host client, Host server, Multiaddr address, byte[] payload) throws Exception {
    Connection dialed = await(client.dial(address));
    await(dialed.identify());
    Connection accepted = serverSideOf(server, client.peerId());
    await(accepted.identify());

    StreamCollector echoed = new StreamCollector();
    Stream stream = await(client.newStream(dialed, s -> s.pipeline().addLast(echoed), Hosts.ECHO));
    stream.writeAndFlush(Unpooled.wrappedBuffer(payload));
    stream.closeWrite();
    assertArrayEquals(payload, await(echoed.done), "the echo");
    await(stream.close());

    await(dialed.closeAsync());
    await(accepted.closeFuture());
    Soak.awaitForgotten("both hosts forget the connection", client, server);
  }

  /**
   * The same cycle over QUIC, {@code CYCLES} times: each dial leaves from the dialer's listen
   * socket, and each connection brings its own QUIC streams, TLS session and quiche state, all of
   * which must go with it.
   */
  @Test
  void quicConnectIdentifyStreamCloseCycles() throws Exception {
    byte[] payload = new byte[ECHO_BYTES];
    new Random(20).nextBytes(payload);
    try (Host server = quicHost(Hosts.Stack.NOISE_YAMUX.builder());
        Host client = quicHost(Hosts.Stack.NOISE_YAMUX.builder())) {
      server.start().join();
      client.start().join();
      Multiaddr address = server.listenAddresses().get(0);
      Soak.run("cycles.QUIC", CYCLES, Map.of(), i -> cycle(client, server, address, payload));
    }
  }

  /**
   * QUIC dials of a UDP port that never answers: each times out in its handshake after {@link
   * #SHORT_UPGRADE_TIMEOUT}, and its connection, quiche state and the dialing socket go.
   */
  @Test
  void quicTimedOutDials() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Host dialer = quicDialer(SHORT_UPGRADE_TIMEOUT)) {
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/udp/" + silent.getLocalPort() + "/quic-v1");
      failedDials("failedDials.quicTimedOut", dialer, address, Map.of("handshakeTimeoutMs", SHORT_UPGRADE_TIMEOUT.toMillis()),
          () -> { }, failure -> {
            TransportException timedOut = assertInstanceOf(TransportException.class, failure);
            assertTrue(timedOut.getMessage().contains("timed out"), timedOut.getMessage());
          });
    }
  }

  /**
   * QUIC dials of a live host under another peer's ID: each fails in the TLS handshake. The dialer
   * does not tell the listener, which lets each such connection go after its handshake timeout
   * ({@link #LISTENER_HANDSHAKE_TIMEOUT} here), not QUIC's idle timeout.
   */
  @Test
  void quicWrongPeerIdDials() throws Exception {
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    try (Host server = quicHost(Hosts.Stack.NOISE_YAMUX.builder(), LISTENER_HANDSHAKE_TIMEOUT);
        Host dialer = quicDialer(QuicTransport.DEFAULT_HANDSHAKE_TIMEOUT)) {
      server.start().join();
      Multiaddr wrong = someoneElse.appendTo(server.listenAddresses().get(0).decapsulate(MultiaddrProtocol.P2P));
      failedDials("failedDials.quicWrongPeerId", dialer, wrong, Map.of(),
          () -> Soak.awaitForgotten("the live host forgets the connection", server),
          failure -> assertCause(PeerIdMismatchException.class, failure));
    }
  }

  /** A host of {@code builder} on QUIC loopback, serving echo and ping. */
  private static Host quicHost(Host.Builder builder) {
    return quicHost(builder, QuicTransport.DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** {@link #quicHost(Host.Builder)} whose connections must finish their handshake within {@code handshakeTimeout}. */
  private static Host quicHost(Host.Builder builder, Duration handshakeTimeout) {
    return Hosts.serving(builder, QuicTransport.builder().handshakeTimeout(handshakeTimeout).build(),
        Multiaddr.fromString("/ip4/127.0.0.1/udp/0/quic-v1"));
  }

  /**
   * A QUIC dialer that listens nowhere (its dials share a socket of their own, which closes with
   * the last of them) and has no dial backoff.
   */
  private static Host quicDialer(Duration handshakeTimeout) {
    return Hosts.Stack.NOISE_YAMUX.builder()
        .transport(QuicTransport.builder().handshakeTimeout(handshakeTimeout).build())
        .dialBackoff(Duration.ZERO)
        .build();
  }

  /** The server's side of the client's connection, once the server has adopted it. */
  private static Connection serverSideOf(Host server, PeerId client) throws Exception {
    return Eventually.await("the server adopts the connection", Soak.ROUND_WAIT,
        () -> server.connections().stream().filter(c -> c.remotePeer().equals(client)).findFirst(),
        Optional::isPresent).orElseThrow();
  }

  /** Dials of a port nothing listens on: each fails with the transport's refusal. */
  @Test
  void refusedDials() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Multiaddr nowhere = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + closedPort);
    try (Host dialer = dialer().build()) {
      failedDials("failedDials.refused", dialer, nowhere, Map.of(), () -> { }, failure -> {
        TransportException refused = assertInstanceOf(TransportException.class, failure);
        assertInstanceOf(ConnectException.class, refused.getCause(), "the cause of " + refused);
      });
    }
  }

  /**
   * Dials of a server that accepts and never says a word: each upgrade times out after {@link
   * #SHORT_UPGRADE_TIMEOUT}, and the server sees the dialer close.
   */
  @Test
  void timedOutDials() throws Exception {
    try (SilentServer silent = new SilentServer();
        Host dialer = dialer().upgradeTimeout(SHORT_UPGRADE_TIMEOUT).build()) {
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + silent.port());
      AtomicInteger dials = new AtomicInteger();
      failedDials("failedDials.timedOut", dialer, address, Map.of("upgradeTimeoutMs", SHORT_UPGRADE_TIMEOUT.toMillis()),
          () -> Soak.awaitRound("the silent server sees the dialer close", () -> silent.ended() == dials.get(),
              () -> silent.ended() + " of " + dials.get() + " connections ended"),
          failure -> {
            dials.incrementAndGet();
            UpgradeException timedOut = assertInstanceOf(UpgradeException.class, failure);
            assertEquals(UpgradeException.Phase.SECURITY_NEGOTIATION, timedOut.phase(), timedOut.getMessage());
            // No cause: the upgrade's own phase timer ended it ("...: timed out"), not an error.
            assertNull(timedOut.getCause(), timedOut.getMessage());
          });
    }
  }

  /**
   * Dials of a live host under another peer's ID: each fails in the security handshake with
   * {@link PeerIdMismatchException}, and the live host forgets the connection too.
   */
  @Test
  void wrongPeerIdDials() throws Exception {
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    try (Host server = Hosts.Stack.NOISE_YAMUX.host(); Host dialer = dialer().build()) {
      server.start().join();
      Multiaddr wrong = someoneElse.appendTo(server.listenAddresses().get(0).decapsulate(MultiaddrProtocol.P2P));
      failedDials("failedDials.wrongPeerId", dialer, wrong, Map.of(),
          () -> Soak.awaitForgotten("the live host forgets the connection", server),
          failure -> {
            UpgradeException mismatch = assertInstanceOf(UpgradeException.class, failure);
            assertEquals(UpgradeException.Phase.SECURITY_HANDSHAKE, mismatch.phase(), mismatch.getMessage());
            assertInstanceOf(PeerIdMismatchException.class, mismatch.getCause(), mismatch.getMessage());
          });
    }
  }

  /**
   * {@code FAILED_DIALS} dials of {@code target} by {@code dialer}, each failing as {@code expected}
   * checks, after which the dialer holds nothing and {@code afterEach} has waited for the other side.
   */
  private static void failedDials(String caseName, Host dialer, Multiaddr target, Map<String, Object> ownFigures,
      Check afterEach, Consumer<Throwable> expected) throws Exception {
    Soak.run(caseName, FAILED_DIALS, ownFigures, i -> {
      ExecutionException failed = assertThrows(ExecutionException.class, () -> await(dialer.dial(target)),
          "a dial of " + target);
      expected.accept(failed.getCause());
      Soak.awaitForgotten("the dialer forgets the failed dial", dialer);
      afterEach.run();
    });
  }

  /**
   * A dialer with noise and yamux and no dial backoff, so that each dial of an address that just
   * failed is really attempted (a backoff would fail it at once with a {@code DialBackoffException}).
   */
  private static Host.Builder dialer() {
    return Hosts.Stack.NOISE_YAMUX.builder()
        .transport(TcpTransport.builder().threads(1).build())
        .dialBackoff(Duration.ZERO);
  }

  /** A wait of a round's own, after the dial failed. */
  @FunctionalInterface
  private interface Check {
    void run() throws Exception;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.get(Soak.ROUND_WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A TCP server on 127.0.0.1 that accepts one connection at a time and never writes: it reads
   * what the dialer sends until the dialer closes, then closes its side and counts it.
   */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger ended = new AtomicInteger();
    private final Thread thread = new Thread(this::serve, ResourceProbe.OWN_THREAD_PREFIX + "silent-server");

    SilentServer() throws IOException {
      thread.setDaemon(true);
      thread.start();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket accepted = socket.accept()) {
          accepted.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
          // A reset ends the connection as well as a close; a closed server socket ends the loop.
        }
        ended.incrementAndGet();
      }
    }

    int port() {
      return socket.getLocalPort();
    }

    /** Connections that ended, the dialer having closed them. */
    int ended() {
      return ended.get();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
