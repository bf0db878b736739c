package io.jlibp2p.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two real hosts, each recording into its own registry. */
class MicrometerEventListenerTest {

  private static final String SINK = "/sink/1.0.0";

  private final MeterRegistry serverMetrics = new SimpleMeterRegistry();
  private final MeterRegistry clientMetrics = new SimpleMeterRegistry();
  private Host server;
  private Host client;

  private static Host host(MeterRegistry registry) {
    return Host.builder()
        .transport(TcpTransport.builder().threads(1).build())
        .secureChannel(new PlaintextSecureChannel())
        .muxer(YamuxStreamMuxer.create())
        .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
        .eventListener(MicrometerEventListener.create(registry))
        .build();
  }

  @BeforeEach
  void start() {
    server = host(serverMetrics);
    client = host(clientMetrics);
    // Reads everything, then answers with 5 bytes and closes.
    server.setStreamHandler(SINK, stream -> stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[5])).addListener(ChannelFutureListener.CLOSE);
      }
    }));
    server.start().join();
    client.start().join();
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static double count(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  /**
   * The server's inbound connections gauge, or -1 before its first connection registers it: the
   * client's dial can complete before the server has heard of the connection.
   */
  private static double inboundOpen(MeterRegistry registry) {
    Gauge gauge = registry.find("libp2p.connections.open").tag("direction", "inbound").gauge();
    return gauge == null ? -1 : gauge.value();
  }

  @Test
  void connectionsStreamsAndBytesAreCountedByTheirTags() throws Exception {
    Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
    String[] outbound = {"direction", "outbound", "security", "/plaintext/2.0.0", "muxer", "/yamux/1.0.0"};
    assertEquals(1, count(clientMetrics, "libp2p.connections.opened", outbound));
    assertEquals(1, clientMetrics.get("libp2p.connections.open").tags(outbound).gauge().value());
    assertEquals(1, clientMetrics.get("libp2p.dial.duration").tag("outcome", "success").timer().count());
    assertEquals(1, clientMetrics.get("libp2p.upgrade.duration").tags(outbound).timer().count());
    assertEquals(1, clientMetrics.get("libp2p.security.handshake.duration")
        .tags("direction", "outbound", "security", "/plaintext/2.0.0").timer().count());

    Stream stream = client.newStream(server.peerId(), SINK).get(30, TimeUnit.SECONDS);
    stream.config().setAutoRead(true);
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
    stream.closeWrite();
    stream.closeFuture().await(30, TimeUnit.SECONDS);
    Eventually.await("the server counts the stream's bytes", 10,
        () -> serverMetrics.find("libp2p.stream.bytes.read").tag("protocol", SINK).counter() != null);
    // Multistream-select's messages count too: 20 + 13 bytes each way before the data.
    assertEquals(1000 + 33, count(serverMetrics, "libp2p.stream.bytes.read", "protocol", SINK));
    assertEquals(5 + 33, count(serverMetrics, "libp2p.stream.bytes.written", "protocol", SINK));
    assertEquals(1, count(serverMetrics, "libp2p.streams.opened", "direction", "inbound", "protocol", SINK));
    assertEquals(0, serverMetrics.get("libp2p.streams.open").tags("direction", "inbound", "protocol", SINK).gauge().value());
    Eventually.await("identify is counted", 10,
        () -> clientMetrics.find("libp2p.identify").tag("outcome", "success").counter() != null);

    connection.close();
    Eventually.await("the server sees the close", 10,
        () -> serverMetrics.find("libp2p.connections.closed").tag("reason", "remote").counter() != null);
    // The client hears of its own close once its table has dropped the connection, just after close() returns.
    Eventually.await("the client counts its close", 10,
        () -> clientMetrics.find("libp2p.connections.closed").tag("reason", "local").counter() != null);
    assertEquals(1, count(clientMetrics, "libp2p.connections.closed", "direction", "outbound", "reason", "local"));
    assertEquals(0, clientMetrics.get("libp2p.connections.open").tags(outbound).gauge().value());
    assertEquals(0, serverMetrics.get("libp2p.connections.open").tag("direction", "inbound").gauge().value());
  }

  @Test
  void failuresAreCounted() {
    Multiaddr wrongPeer = PeerId.fromPublicKey(PrivateKey.generate().publicKey())
        .appendTo(server.listenAddresses().get(0).decapsulate(MultiaddrProtocol.P2P));
    assertThrows(ExecutionException.class, () -> client.dial(wrongPeer).get(30, TimeUnit.SECONDS));
    assertEquals(1, clientMetrics.get("libp2p.dial.duration").tag("outcome", "failure").timer().count());
    assertEquals(1, count(clientMetrics, "libp2p.upgrade.failures", "direction", "outbound", "phase", "security_handshake"));
    assertTrue(clientMetrics.find("libp2p.connections.opened").counters().isEmpty());
  }

  @Test
  void protocolsAFamilyLetsTheRemoteChooseAreCappedAsOther() throws Exception {
    server.setStreamHandler("/family/*", protocol -> protocol.startsWith("/family/"), Stream::close);
    client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
    int protocols = MicrometerEventListener.MAX_PROTOCOL_TAGS + 6;
    for (int i = 0; i < protocols; i++) {
      // Two proposals, so that the future waits for the server's answer.
      client.newStream(server.peerId(), "/family/" + i, "/family/x").get(30, TimeUnit.SECONDS);
    }
    Eventually.await("the server counts every family stream", 10, () -> serverMetrics.find("libp2p.streams.opened").counters()
        .stream().filter(c -> c.getId().getTag("protocol").matches("/family/.*|other")).mapToDouble(c -> c.count()).sum()
        == protocols);
    // The server's own protocols (identify) take tag values too; the cap holds over all of them.
    long distinct = serverMetrics.find("libp2p.streams.opened").counters().stream()
        .map(c -> c.getId().getTag("protocol")).distinct().count();
    assertEquals(MicrometerEventListener.MAX_PROTOCOL_TAGS + 1, distinct, "the cap, plus other");
    assertTrue(count(serverMetrics, "libp2p.streams.opened", "direction", "inbound", "protocol", "other") >= 6);
  }

  @Test
  void hostsThatShareARegistryAddUp() throws Exception {
    try (Host second = host(serverMetrics)) {
      second.start().join();
      client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      client.dial(second.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      Eventually.await("both servers count their connection", 10,
          () -> inboundOpen(serverMetrics) == 2);
    }
    Eventually.await("the second server's close counts", 10,
        () -> inboundOpen(serverMetrics) == 1);
  }

  @Test
  void resourceUsageGaugesFollowTheScopes() throws Exception {
    ResourceUsageMetrics.bind(serverMetrics, server.resourceUsage(), "server");
    String[] systemInbound = {"host", "server", "scope", "system", "direction", "inbound"};
    assertEquals(0, serverMetrics.get("libp2p.resource.connections").tags(systemInbound).gauge().value());
    client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
    // Until the server's upgrade is done its connection moves from the transient scope to its
    // peer's, and a gauge read during the move may see the connection without its descriptor.
    Eventually.await("the server has the connection", 10, () -> server.connections().size() == 1);
    Eventually.await("the server's system scope holds the connection", 10,
        () -> serverMetrics.get("libp2p.resource.connections").tags(systemInbound).gauge().value() == 1);
    assertEquals(1, serverMetrics.get("libp2p.resource.file.descriptors").tags("host", "server", "scope", "system")
        .gauge().value());
    assertEquals(1, serverMetrics.get("libp2p.resource.peers").tags("host", "server").gauge().value());
  }
}
