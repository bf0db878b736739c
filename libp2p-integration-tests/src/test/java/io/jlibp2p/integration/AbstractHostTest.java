package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.blocking.internal.HandlerThreads;
import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EarlyStreamEnd;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.examples.EchoHandler;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.multistream.NegotiationException;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.testing.Threads;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two Java hosts over TCP loopback, a server and a client of the same stack: what a host does
 * whatever its secure channel and muxer. Each subclass names one {@link Hosts.Stack}; tests that
 * belong to one stack live in a class of their own.
 */
abstract class AbstractHostTest extends AbstractHostPairTest {

  /**
   * The size of {@link #largeEcho()}; 4 MiB by default. Every stack runs it through its crypto
   * and framing both ways, so it is kept to what takes a moment on a small machine: the muxer
   * suites carry the really large transfers.
   */
  protected int largeEchoBytes() {
    return 4 << 20;
  }

  @Test
  void listenAddressesCarryThePeerId() {
    Multiaddr address = serverAddress();
    assertEquals(server.peerId(), PeerId.fromMultiaddr(address).orElseThrow());
    assertTrue(Integer.parseInt(address.valueOf(portProtocol()).orElseThrow()) > 0);
  }

  /** The protocol of the listen address's port. */
  protected MultiaddrProtocol portProtocol() {
    return MultiaddrProtocol.TCP;
  }

  /**
   * Whether each connection has a socket of its own; QUIC's share their UDP socket, so streams
   * cannot be told apart by it.
   */
  protected boolean connectionsHaveTheirOwnSockets() {
    return true;
  }

  @Test
  void echoOverANewStream() throws Exception {
    CompletableFuture<Stream> served = new CompletableFuture<>();
    server.setStreamHandler(Hosts.ECHO, s -> {
      served.complete(s);
      s.pipeline().addLast(EchoHandler.INSTANCE);
    });
    Stream stream = await(client.newStream(serverAddress(), Hosts.ECHO));
    assertEquals(Hosts.ECHO, stream.protocol());
    assertEquals(server.peerId(), stream.remotePeer());
    StreamCollector collector = collect(stream);
    stream.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
    stream.closeWrite();
    assertEquals("hello", text(collector));
    assertEquals(client.peerId(), await(served).remotePeer());
    assertEquals(Hosts.ECHO, await(served).protocol());
  }

  @Test
  void streamHandedOutWithoutAHandlerWaitsForItsOwner() throws Exception {
    Host quick = stack().builder()
        .transport(newTransport())
        .negotiationTimeout(Duration.ofMillis(200))
        .build();
    try (quick) {
      Stream stream = await(quick.newStream(serverAddress(), Hosts.ECHO)); // one protocol: lazy
      stream.writeAndFlush(Unpooled.copiedBuffer("later", StandardCharsets.UTF_8));
      stream.closeWrite();
      // Three negotiation timeouts pass before the owner reads. That nothing happens meanwhile is
      // what is tested, so there is no event to wait for: instead a task is scheduled on the
      // stream's event loop, where the timeout is too, and runs only after the timeout had its turn.
      stream.eventLoop().schedule(() -> { }, 600, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
      assertEquals("later", text(collect(stream)));
    }
  }

  @Test
  void aStreamToAnIdentifiedJlibp2pPeerSendsItsEndWithItsRequest() throws Exception {
    assertTrue(endLeavesBeforeTheConfirmation(EarlyStreamEnd.KNOWN_PEERS, server),
        "the default lets a jlibp2p listener have the end a round trip sooner");
  }

  @Test
  void aStreamToAPeerNotKnownToAcceptAnEarlyEndHoldsIt() throws Exception {
    try (Host jsLike = serving(stack().builder().agentVersion("js-libp2p/3.3.11 UserAgent=v20.20.2"))) {
      jsLike.start().join();
      assertFalse(endLeavesBeforeTheConfirmation(EarlyStreamEnd.KNOWN_PEERS, jsLike),
          "js-libp2p 3.x resets a stream whose end comes before its handler is ready");
    }
  }

  @Test
  void theEarlyEndRuleDecidesOverTheAgentVersion() throws Exception {
    assertFalse(endLeavesBeforeTheConfirmation(EarlyStreamEnd.NEVER, server));
    try (Host unknown = serving(stack().builder().agentVersion("myapp/1.0"))) {
      unknown.start().join();
      assertTrue(endLeavesBeforeTheConfirmation(EarlyStreamEnd.ALWAYS, unknown));
    }
  }

  @Test
  void aRuleThatThrowsHoldsTheEndAndTheStreamStillWorks() throws Exception {
    EarlyStreamEnd broken = (peer, metadata) -> {
      throw new IllegalStateException("a broken rule");
    };
    assertFalse(endLeavesBeforeTheConfirmation(broken, server));
  }

  /**
   * Dials {@code listener} from a new host with {@code rule}, waits for identify, then opens an
   * echo stream that writes and ends at once, and tells whether the end (its write) completed
   * before the listener's confirmation of the protocol (the stream's {@code streamOpened}). Both
   * happen on the stream's event loop, so the order is exact: a held end is released only after
   * the confirmation; an early one is written in the flush of the proposal, before any answer.
   */
  private boolean endLeavesBeforeTheConfirmation(EarlyStreamEnd rule, Host listener) throws Exception {
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    EventListener confirmations = new EventListener() {
      @Override
      public void streamOpened(Stream stream) {
        if (Hosts.ECHO.equals(stream.protocol())) {
          confirmed.complete(null);
        }
      }
    };
    try (Host dialer = stack().builder()
        .transport(newTransport())
        .earlyStreamEnd(rule)
        .eventListener(confirmations)
        .build()) {
      Multiaddr address = listener.listenAddresses().get(0);
      await(dialer.dial(address));
      Eventually.await("identify is over", 10,
          () -> dialer.peerstore().metadata(listener.peerId()).agentVersion().isPresent());
      CompletableFuture<Boolean> endedFirst = new CompletableFuture<>();
      StreamCollector collector = new StreamCollector();
      await(dialer.newStream(listener.peerId(), stream -> {
        stream.pipeline().addLast(collector);
        stream.writeAndFlush(Unpooled.copiedBuffer("request", StandardCharsets.UTF_8));
        stream.closeWrite().addListener(f -> endedFirst.complete(f.isSuccess() && !confirmed.isDone()));
      }, Hosts.ECHO));
      assertEquals("request", text(collector), "the listener has the whole request and its end either way");
      await(confirmed);
      return await(endedFirst);
    }
  }

  @Test
  void bytesAndEofPushedBeforeTheOwnerReadsArriveInOrder() throws Exception {
    server.setStreamHandler("/push/1.0.0", s -> {
      s.writeAndFlush(Unpooled.copiedBuffer("pushed", StandardCharsets.UTF_8));
      s.closeWrite();
    });
    // Two proposals: the first is refused, so the stream is handed out after the echo, with the
    // pushed bytes and the remote's EOF right behind it.
    Stream stream = await(client.newStream(serverAddress(), "/nope/1.0.0", "/push/1.0.0"));
    // The EOF follows the bytes, so once it is in, both wait for the owner.
    Eventually.await("the pushed bytes and the EOF arrive", 10, stream::isRemoteClosed);
    assertEquals("pushed", text(collect(stream)));
  }

  @Test
  void largeEcho() throws Exception {
    client.peerstore().addAddresses(server.peerId(), List.of(serverAddress()), Peerstore.PERMANENT_TTL);
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.newStream(server.peerId(), s -> s.pipeline().addLast(collector), Hosts.ECHO));
    byte[] data = new byte[largeEchoBytes()];
    new Random(16).nextBytes(data);
    int chunk = 1 << 20;
    for (int offset = 0; offset < data.length; offset += chunk) {
      stream.write(Unpooled.wrappedBuffer(data, offset, Math.min(chunk, data.length - offset)));
    }
    stream.flush();
    stream.closeWrite();
    assertArrayEquals(data, await(collector.done));
  }

  @Test
  void pingReportsARoundTripTime() throws Exception {
    await(client.dial(serverAddress()));
    Duration rtt = await(Hosts.ping(client).ping(server.peerId()));
    assertTrue(rtt.compareTo(Duration.ZERO) > 0 && rtt.compareTo(Duration.ofSeconds(10)) < 0, rtt.toString());
  }

  @Test
  void repeatedPingsShareOneStream() throws Exception {
    AtomicInteger pingStreams = new AtomicInteger();
    server.setStreamHandler(Ping.PROTOCOL_ID, stream -> {
      pingStreams.incrementAndGet();
      Ping.responder().handle(stream);
    });
    await(client.dial(serverAddress()));
    List<Duration> rtts = await(Hosts.ping(client).ping(server.peerId(), 5));
    assertEquals(5, rtts.size());
    assertEquals(1, pingStreams.get());
  }

  @Test
  void oneConnectionPerPeerIsReused() throws Exception {
    List<CompletableFuture<Connection>> dials = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      dials.add(client.dial(serverAddress()));
    }
    Connection first = await(dials.get(0));
    for (CompletableFuture<Connection> dial : dials) {
      assertSame(first, await(dial), "concurrent dials join the pending one");
    }
    await(client.newStream(serverAddress(), Hosts.ECHO)).close();
    await(Hosts.ping(client).ping(server.peerId()));
    assertEquals(1, client.connections().size());
    assertEquals(server.peerId(), first.remotePeer());
    assertEquals(expectedSecurityProtocol(), first.securityProtocol());
    assertEquals(expectedMuxerProtocol(), first.muxerProtocol());
    assertEquals(expectedMuxerInHandshake(), first.muxerAgreedInHandshake());
  }

  /** What a connection reports as its security: the stack's, unless the transport secures by itself. */
  protected String expectedSecurityProtocol() {
    return stack().securityProtocol();
  }

  /** What a connection reports as its muxer: the stack's, unless the transport multiplexes by itself. */
  protected String expectedMuxerProtocol() {
    return stack().muxerProtocol();
  }

  /** Whether connections agree on their muxer in the handshake. */
  protected boolean expectedMuxerInHandshake() {
    return stack().muxerInHandshake();
  }

  @Test
  void aStreamOpensOnTheConnectionAskedFor() throws Exception {
    server.setStreamHandler(Hosts.ECHO, s -> s.pipeline().addLast(EchoHandler.INSTANCE));
    // Without a peer ID nothing can be reused: each dial makes its own connection.
    Multiaddr anonymous = serverAddress().decapsulate(MultiaddrProtocol.P2P);
    Connection first = await(client.dial(anonymous));
    Connection second = await(client.dial(anonymous));
    assertNotSame(first, second, "two connections");
    Stream stream = await(client.newStream(second, Hosts.ECHO));
    assertSame(second, stream.connection());
    int port = ((InetSocketAddress) stream.localAddress()).getPort();
    assertEquals(String.valueOf(port), second.localAddress().valueOf(portProtocol()).orElseThrow(),
        second.localAddress() + " vs " + port);
    if (connectionsHaveTheirOwnSockets()) {
      // Identify's streams come and go on both connections, so tell them apart by their sockets.
      assertNotEquals(String.valueOf(port), first.localAddress().valueOf(portProtocol()).orElseThrow(),
          first.localAddress() + " vs " + port);
    }
    stream.close();

    Connection foreign = await(server.dial(client.listenAddresses().get(0)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.newStream(foreign, Hosts.ECHO));
    assertTrue(e.getMessage().startsWith("not an open connection of this host"), e.getMessage());
    second.close();
    assertThrows(IllegalArgumentException.class, () -> client.newStream(second, Hosts.ECHO));
  }

  @Test
  void dialingTheWrongPeerIdFails() throws Exception {
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    Multiaddr wrong = someoneElse.appendTo(serverAddress().decapsulate(MultiaddrProtocol.P2P));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(client.dial(wrong)));
    UpgradeException failure = assertInstanceOf(UpgradeException.class, e.getCause());
    assertEquals(UpgradeException.Phase.SECURITY_HANDSHAKE, failure.phase());
    assertInstanceOf(PeerIdMismatchException.class, failure.getCause());
    assertTrue(failure.getMessage().contains(someoneElse.toString()), failure.getMessage());
  }

  @Test
  void unsupportedProtocolFailsTheStreamOnly() throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> await(client.newStream(serverAddress(), "/nope/1.0.0", "/nope/2.0.0")));
    ProtocolNegotiationException failure = assertInstanceOf(ProtocolNegotiationException.class, e.getCause());
    assertTrue(failure.getMessage().contains("/nope/2.0.0"), failure.getMessage());
    assertEquals(1, client.connections().size(), "the connection survives");
    await(Hosts.ping(client).ping(server.peerId()));
  }

  @Test
  void lazyStreamToAnUnsupportedProtocolFailsNamingThePeerAndTheProtocol() throws Exception {
    StreamCollector collector = new StreamCollector();
    await(client.dial(serverAddress()));
    Stream stream = await(client.newStream(server.peerId(), s -> s.pipeline().addLast(collector), "/nope/1.0.0"));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(collector.done));
    ProtocolNegotiationException failure = assertInstanceOf(ProtocolNegotiationException.class, e.getCause());
    assertTrue(failure.getMessage().contains("/nope/1.0.0"), failure.getMessage());
    assertTrue(failure.getMessage().contains(server.peerId().toString()), failure.getMessage());
    assertInstanceOf(NegotiationException.class, failure.getCause(), "the multistream refusal is the cause");
    stream.closeFuture().await(30, TimeUnit.SECONDS);
    assertFalse(stream.isOpen(), "and the stream closes");
  }

  @Test
  void silentPeerTimesTheUpgradeOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Host impatient = stack().builder()
            .transport(newTransport())
            .upgradeTimeout(Duration.ofMillis(300))
            .build()) {
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(impatient.dial(address)));
      UpgradeException failure = assertInstanceOf(UpgradeException.class, e.getCause());
      assertEquals(UpgradeException.Phase.SECURITY_NEGOTIATION, failure.phase());
      assertTrue(failure.getMessage().contains(stack().securityProtocol()), failure.getMessage());
      assertTrue(failure.getMessage().contains(address.toString()), failure.getMessage());
    }
  }

  @Test
  void noCommonSecureChannelFailsNamingWhatWasTried() throws Exception {
    try (Host odd = Host.builder()
        .transport(newTransport())
        .secureChannel(new UnknownSecureChannel())
        .muxer(MplexStreamMuxer.create())
        .build()) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(odd.dial(serverAddress())));
      UpgradeException failure = assertInstanceOf(UpgradeException.class, e.getCause());
      assertEquals(UpgradeException.Phase.SECURITY_NEGOTIATION, failure.phase());
      assertInstanceOf(NegotiationException.class, failure.getCause(), "the refusal, not a side effect");
      assertTrue(failure.getMessage().contains(UnknownSecureChannel.PROTOCOL_ID), failure.getMessage());
      assertTrue(failure.getMessage().contains(server.peerId().toString()), failure.getMessage());
    }
  }

  /**
   * Serves a protocol that collects what each stream carries until EOF, then closes the stream,
   * and returns where the collections arrive, one per stream.
   */
  private java.util.concurrent.BlockingQueue<CompletableFuture<byte[]>> serveSink() {
    java.util.concurrent.BlockingQueue<CompletableFuture<byte[]>> received = new java.util.concurrent.LinkedBlockingQueue<>();
    server.setStreamHandler(SINK, s -> {
      StreamCollector collector = new StreamCollector();
      s.pipeline().addLast(collector);
      collector.done.whenComplete((bytes, error) -> s.close());
      received.add(collector.done);
    });
    return received;
  }

  private static final String SINK = "/sink/1.0.0";

  private static byte[] randomBytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  @Test
  void streamCloseDeliversWhatWasWrittenBeforeIt() throws Exception {
    var received = serveSink();
    // Well past yamux's 256 KiB window and Netty's water marks: most of it is still pending as
    // close() is called.
    byte[] data = randomBytes(4 << 20, 17);
    Stream stream = await(client.newStream(serverAddress(), SINK));
    stream.write(Unpooled.wrappedBuffer(data, 0, 1 << 20));
    stream.writeAndFlush(Unpooled.wrappedBuffer(data, 1 << 20, data.length - (1 << 20)));
    stream.close();
    assertArrayEquals(data, await(received.poll(30, TimeUnit.SECONDS)));
    stream.closeFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void connectionCloseDeliversWhatWasWrittenBeforeIt() throws Exception {
    var received = serveSink();
    byte[] data = randomBytes(1 << 20, 18);
    Connection connection = await(client.dial(serverAddress()));
    Stream stream = await(client.newStream(connection, SINK));
    stream.writeAndFlush(Unpooled.wrappedBuffer(data));
    CompletableFuture<Void> closed = connection.closeAsync();
    assertArrayEquals(data, await(received.poll(30, TimeUnit.SECONDS)));
    await(closed);
    assertFalse(connection.isOpen());
    stream.closeFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void hostCloseDeliversWhatWasWrittenBeforeItEveryTime() throws Exception {
    var received = serveSink();
    for (int run = 0; run < 5; run++) {
      byte[] data = randomBytes(64 << 10, run);
      try (Host sender = serving(stack().builder())) {
        Stream stream = await(sender.newStream(serverAddress(), SINK));
        stream.write(Unpooled.wrappedBuffer(data, 0, 1000));
        stream.writeAndFlush(Unpooled.wrappedBuffer(data, 1000, data.length - 1000));
        // No wait for the write: the close must deliver it.
      }
      assertArrayEquals(data, await(received.poll(30, TimeUnit.SECONDS)), "run " + run);
    }
  }

  @Test
  void closeNowResetsTheStreams() throws Exception {
    serveSink();
    Connection connection = await(client.dial(serverAddress()));
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.newStream(connection, s -> s.pipeline().addLast(collector), SINK));
    await(connection.closeNow());
    stream.closeFuture().get(30, TimeUnit.SECONDS);
    ExecutionException failure = assertThrows(ExecutionException.class, () -> collector.done.get(30, TimeUnit.SECONDS));
    assertInstanceOf(io.jlibp2p.core.muxer.StreamResetException.class, failure.getCause());
  }

  @Test
  void closeLeavesNoThreadsOrConnections() throws Exception {
    Connection connection = await(client.dial(serverAddress()));
    Eventually.await("the server has the connection", 10, () -> !server.connections().isEmpty());
    client.close();
    assertTrue(connection.closeFuture().isDone());
    assertTrue(client.connections().isEmpty());
    Eventually.await("the server notices the connection went away", 10, () -> server.connections().isEmpty());
    server.close();
    // Blocking-stream handler threads belong to the process's pool, not to a host (earlier test
    // classes in this JVM leave idle ones behind for 30 s).
    assertEquals(List.of(), Threads.awaitEnd("jlibp2p-", name -> name.startsWith(HandlerThreads.THREAD_NAME_PREFIX), Duration.ofSeconds(5)));
  }

  /**
   * A secure channel no host knows. Its handshake starts, because a single proposal is lazy, but
   * never hears from the listener.
   */
  private static final class UnknownSecureChannel implements SecureChannel {
    static final String PROTOCOL_ID = "/not-a-real-channel/1.0.0";

    @Override
    public String protocolId() {
      return PROTOCOL_ID;
    }

    @Override
    public Handshake handshake(HandshakeParameters parameters) {
      CompletableFuture<SecureSession> never = new CompletableFuture<>();
      ChannelHandler silent = new ChannelInboundHandlerAdapter() {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          never.completeExceptionally(cause);
        }
      };
      return new Handshake() {
        @Override
        public ChannelHandler handler() {
          return silent;
        }

        @Override
        public CompletableFuture<SecureSession> session() {
          return never;
        }
      };
    }
  }
}
