package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.examples.EchoHandler;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.ping.Ping;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two Java hosts over TCP loopback, plaintext and mplex. */
class HostTest {

  private Host server;
  private Host client;

  @BeforeEach
  void startHosts() {
    server = Hosts.plaintextMplex();
    client = Hosts.plaintextMplex();
    server.start().join();
    client.start().join();
  }

  @AfterEach
  void closeHosts() {
    client.close();
    server.close();
  }

  private Multiaddr serverAddress() {
    return server.listenAddresses().get(0);
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  @Test
  void listenAddressesCarryThePeerId() {
    Multiaddr address = serverAddress();
    assertEquals(server.peerId(), PeerId.fromMultiaddr(address).orElseThrow());
    assertTrue(Integer.parseInt(address.valueOf(MultiaddrProtocol.TCP).orElseThrow()) > 0);
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
    StreamCollector collector = new StreamCollector();
    stream.pipeline().addLast(collector);
    stream.config().setAutoRead(true);
    stream.writeAndFlush(Unpooled.copiedBuffer("hello", java.nio.charset.StandardCharsets.UTF_8));
    stream.closeWrite();
    assertEquals("hello", new String(await(collector.done), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(client.peerId(), await(served).remotePeer());
    assertEquals(Hosts.ECHO, await(served).protocol());
  }

  @Test
  void streamHandedOutWithoutAHandlerWaitsForItsOwner() throws Exception {
    Host quick = Host.builder()
        .transport(io.jlibp2p.transport.tcp.TcpTransport.builder().threads(1).build())
        .secureChannel(new io.jlibp2p.plaintext.PlaintextSecureChannel())
        .muxer(io.jlibp2p.mplex.MplexStreamMuxer.create())
        .negotiationTimeout(Duration.ofMillis(200))
        .build();
    try (quick) {
      Stream stream = await(quick.newStream(serverAddress(), Hosts.ECHO)); // one protocol: lazy
      stream.writeAndFlush(Unpooled.copiedBuffer("later", java.nio.charset.StandardCharsets.UTF_8));
      stream.closeWrite();
      Thread.sleep(600); // three negotiation timeouts pass before the owner reads
      StreamCollector collector = new StreamCollector();
      stream.pipeline().addLast(collector);
      stream.config().setAutoRead(true);
      assertEquals("later", new String(await(collector.done), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void bytesAndEofPushedBeforeTheOwnerReadsArriveInOrder() throws Exception {
    server.setStreamHandler("/push/1.0.0", s -> {
      s.writeAndFlush(Unpooled.copiedBuffer("pushed", java.nio.charset.StandardCharsets.UTF_8));
      ((Stream) s).closeWrite();
    });
    // Two proposals: the first is refused, so the stream is handed out after the echo, with the
    // pushed bytes and the remote's EOF right behind it.
    Stream stream = await(client.newStream(serverAddress(), "/nope/1.0.0", "/push/1.0.0"));
    Thread.sleep(200); // let the bytes and the EOF arrive before anyone reads
    StreamCollector collector = new StreamCollector();
    stream.pipeline().addLast(collector);
    stream.config().setAutoRead(true);
    assertEquals("pushed", new String(await(collector.done), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void sixteenMebibyteEcho() throws Exception {
    client.peerstore().addAddresses(server.peerId(), List.of(serverAddress()), Peerstore.PERMANENT_TTL);
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.newStream(server.peerId(), s -> s.pipeline().addLast(collector), Hosts.ECHO));
    byte[] data = new byte[16 << 20];
    new Random(16).nextBytes(data);
    for (int offset = 0; offset < data.length; offset += 1 << 20) {
      stream.write(Unpooled.wrappedBuffer(data, offset, 1 << 20));
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
    assertEquals("/plaintext/2.0.0", first.securityProtocol());
    assertEquals("/mplex/6.7.0", first.muxerProtocol());
  }

  @Test
  void aStreamOpensOnTheConnectionAskedFor() throws Exception {
    server.setStreamHandler(Hosts.ECHO, s -> s.pipeline().addLast(EchoHandler.INSTANCE));
    // Without a peer ID nothing can be reused: each dial makes its own connection.
    Multiaddr anonymous = serverAddress().decapsulate(MultiaddrProtocol.P2P);
    Connection first = await(client.dial(anonymous));
    Connection second = await(client.dial(anonymous));
    assertTrue(first != second, "two connections");
    Stream stream = await(client.newStream(second, Hosts.ECHO));
    // Identify's streams come and go on both connections, so tell them apart by their sockets.
    int port = ((java.net.InetSocketAddress) stream.localAddress()).getPort();
    assertTrue(second.localAddress().toString().endsWith("/tcp/" + port), second.localAddress() + " vs " + port);
    assertFalse(first.localAddress().toString().endsWith("/tcp/" + port), first.localAddress() + " vs " + port);
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
  void lazyStreamToAnUnsupportedProtocolIsReset() throws Exception {
    StreamCollector collector = new StreamCollector();
    await(client.dial(serverAddress()));
    Stream stream = await(client.newStream(server.peerId(), s -> s.pipeline().addLast(collector), "/nope/1.0.0"));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(collector.done));
    assertTrue(e.getCause() instanceof io.jlibp2p.multistream.NegotiationException, e.getCause().toString());
  }

  @Test
  void silentPeerTimesTheUpgradeOut() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Host impatient = Host.builder()
            .transport(io.jlibp2p.transport.tcp.TcpTransport.builder().threads(1).build())
            .secureChannel(new io.jlibp2p.plaintext.PlaintextSecureChannel())
            .muxer(io.jlibp2p.mplex.MplexStreamMuxer.create())
            .upgradeTimeout(Duration.ofMillis(300))
            .build()) {
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + silent.getLocalPort());
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(impatient.dial(address)));
      UpgradeException failure = assertInstanceOf(UpgradeException.class, e.getCause());
      assertEquals(UpgradeException.Phase.SECURITY_NEGOTIATION, failure.phase());
      assertTrue(failure.getMessage().contains("/plaintext/2.0.0"), failure.getMessage());
      assertTrue(failure.getMessage().contains(address.toString()), failure.getMessage());
    }
  }

  @Test
  void noCommonSecureChannelFailsNamingWhatWasTried() throws Exception {
    io.jlibp2p.core.security.SecureChannel unknown = new io.jlibp2p.core.security.SecureChannel() {
      @Override
      public String protocolId() {
        return "/not-a-real-channel/1.0.0";
      }

      /** Starts, because the single proposal is lazy, but never hears from the listener. */
      @Override
      public Handshake handshake(io.jlibp2p.core.security.HandshakeParameters parameters) {
        CompletableFuture<io.jlibp2p.core.security.SecureSession> never = new CompletableFuture<>();
        io.netty.channel.ChannelHandler silent = new io.netty.channel.ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            never.completeExceptionally(cause);
          }
        };
        return new Handshake() {
          @Override
          public io.netty.channel.ChannelHandler handler() {
            return silent;
          }

          @Override
          public CompletableFuture<io.jlibp2p.core.security.SecureSession> session() {
            return never;
          }
        };
      }
    };
    try (Host odd = Host.builder()
        .transport(io.jlibp2p.transport.tcp.TcpTransport.builder().threads(1).build())
        .secureChannel(unknown)
        .muxer(io.jlibp2p.mplex.MplexStreamMuxer.create())
        .build()) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(odd.dial(serverAddress())));
      UpgradeException failure = assertInstanceOf(UpgradeException.class, e.getCause());
      assertEquals(UpgradeException.Phase.SECURITY_NEGOTIATION, failure.phase());
      assertInstanceOf(io.jlibp2p.multistream.NegotiationException.class, failure.getCause(), "the refusal, not a side effect");
      assertTrue(failure.getMessage().contains("/not-a-real-channel/1.0.0"), failure.getMessage());
      assertTrue(failure.getMessage().contains(server.peerId().toString()), failure.getMessage());
    }
  }

  @Test
  void closeLeavesNoThreadsOrConnections() throws Exception {
    Connection connection = await(client.dial(serverAddress()));
    client.close();
    assertTrue(connection.closeFuture().isDone());
    assertTrue(client.connections().isEmpty());
    // The server notices the connection went away.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!server.connections().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(server.connections().isEmpty());
    server.close();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> live;
    do {
      live = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.isAlive() && t.getName().startsWith("jlibp2p-"))
          .map(Thread::getName)
          .toList();
      Thread.sleep(10);
    } while (!live.isEmpty() && System.nanoTime() < deadline);
    assertEquals(List.of(), live);
  }
}
