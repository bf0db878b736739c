package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
import io.jlibp2p.core.gater.AllowDenyGater;
import io.jlibp2p.core.gater.ConnectionGatedException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.transport.DialBackoffException;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host's own limits, as a user configures them: resource scopes, the gater, dial backoff, the connection manager. */
class HostLimitsTest {

  private final List<Host> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::closeNow);
    hosts.forEach(Host::close);
  }

  private Host started(Host.Builder builder) {
    Host host = builder
        .transport(TcpTransport.builder().threads(1).build())
        .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
        .build();
    hosts.add(host);
    host.setStreamHandler(Hosts.ECHO, s -> s.pipeline().addLast(io.jlibp2p.examples.EchoHandler.INSTANCE));
    host.start().join();
    return host;
  }

  private static Host.Builder noiseYamux() {
    return Hosts.Stack.NOISE_YAMUX.builder();
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  /** Hears the limits a host reached. */
  private static final class Limits implements EventListener {
    final List<LimitExceededException> refusals = new CopyOnWriteArrayList<>();
    final List<Optional<PeerId>> peers = new CopyOnWriteArrayList<>();

    @Override
    public void limitExceeded(Optional<PeerId> peer, LimitExceededException cause) {
      peers.add(peer);
      refusals.add(cause);
    }
  }

  @Test
  void streamsPastTheMuxersCapAreRefusedAndReported() throws Exception {
    Limits limits = new Limits();
    Host server = started(Host.builder().secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.builder().maxStreams(2).build()).eventListener(limits));
    Host client = started(noiseYamux());
    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    await(connection.identify());
    Eventually.await("identify's streams are gone", 10, () -> server.connections().get(0).openStreams() == 0);
    // Two proposals each, so that a stream waits for the answer (a single one is proposed lazily).
    List<Stream> held = new ArrayList<>();
    ExecutionException refused = null;
    while (refused == null && held.size() <= 2) {
      try {
        held.add(client.newStream(connection, "/nope/1.0.0", Hosts.ECHO).get(30, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        refused = e;
      }
    }
    assertTrue(refused != null && held.size() <= 2, held.size() + " streams opened past a cap of 2");
    Eventually.await("the server reported the refusal", 10, () -> !limits.refusals.isEmpty());
    String refusal = limits.refusals.get(0).getMessage();
    assertTrue(refusal.startsWith("yamux: refused stream ") && refusal.endsWith("past the 2 streams the peer may have open"), refusal);
    assertEquals(Optional.of(client.peerId()), limits.peers.get(0));
    held.forEach(Stream::close);
  }

  @Test
  void streamsPastThePeersLimitAreRefusedAndReported() throws Exception {
    Limits limits = new Limits();
    ResourceLimits three = ResourceLimits.autoscaled().toBuilder()
        .peerDefault(ResourceLimits.autoscaled().peerDefault().withStreams(3, 64))
        .build();
    Host server = started(noiseYamux().resourceLimits(three).eventListener(limits));
    Host client = started(noiseYamux());
    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    await(connection.identify());
    Eventually.await("identify's streams are gone", 10,
        () -> server.resourceUsage().peers().getOrDefault(client.peerId(), io.jlibp2p.core.resource.ScopeUsage.NONE)
            .streamsInbound() == 0);
    // Streams until one is refused: at most three fit (an identify push may hold one of them).
    // Two proposals each, so that a stream waits for the answer (a single one is proposed lazily).
    List<Stream> held = new ArrayList<>();
    ExecutionException refused = null;
    while (refused == null && held.size() <= 3) {
      try {
        held.add(client.newStream(connection, "/nope/1.0.0", Hosts.ECHO).get(30, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        refused = e;
      }
    }
    assertTrue(refused != null && held.size() <= 3, held.size() + " streams opened past a limit of 3");
    Eventually.await("the server reported the refusal", 10, () -> !limits.refusals.isEmpty());
    assertEquals(Optional.of("peer:" + client.peerId()), limits.refusals.get(0).scope());
    assertTrue(limits.refusals.get(0).getMessage().contains("at most 3 inbound streams"), limits.refusals.get(0).getMessage());
    assertEquals(Optional.of(client.peerId()), limits.peers.get(0));
    held.forEach(Stream::close);
    Eventually.await("the streams' resources are released", 10,
        () -> server.resourceUsage().peers().getOrDefault(client.peerId(), io.jlibp2p.core.resource.ScopeUsage.NONE)
            .streamsInbound() == 0);
    // With room again, a stream opens.
    await(client.newStream(connection, Hosts.ECHO)).close();
  }

  @Test
  void theTransientScopeRefusesConnectionsPastItsLimit() throws Exception {
    Limits limits = new Limits();
    ResourceLimits one = ResourceLimits.unlimited().toBuilder()
        .transientScope(ScopeLimit.UNLIMITED.withConnections(0, 0))
        .build();
    Host server = started(noiseYamux().resourceLimits(one).eventListener(limits));
    Host client = started(noiseYamux());
    assertThrows(ExecutionException.class, () -> client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS));
    Eventually.await("the server reported the refusal", 10, () -> !limits.refusals.isEmpty());
    assertEquals(Optional.of("transient"), limits.refusals.get(0).scope());
    assertEquals(0, server.resourceUsage().system().connections());
  }

  @Test
  void theGaterRefusesADeniedPeerOnBothSides() throws Exception {
    PrivateKey clientKey = PrivateKey.generate();
    PeerId clientPeer = PeerId.fromPublicKey(clientKey.publicKey());
    Host server = started(noiseYamux().connectionGater(AllowDenyGater.builder().denyPeer(clientPeer).build()));
    Host client = started(noiseYamux().identity(clientKey));
    // The server learns who dials only from the handshake, and closes the connection then; the
    // client may have finished its side of the upgrade by that time, so it sees a dial that fails
    // or a connection that closes at once.
    Connection refusedConnection = client.dial(server.listenAddresses().get(0)).handle((c, e) -> c).get(30, TimeUnit.SECONDS);
    if (refusedConnection != null) {
      refusedConnection.closeFuture().get(30, TimeUnit.SECONDS);
    }
    assertEquals(List.of(), server.connections());

    Host picky = started(noiseYamux().connectionGater(AllowDenyGater.builder().denyPeer(server.peerId()).build()));
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> picky.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS));
    ConnectionGatedException gated = assertInstanceOf(ConnectionGatedException.class, refused.getCause());
    assertEquals(ConnectionGatedException.Hook.DIAL_PEER, gated.hook());
  }

  @Test
  void aDeniedSubnetIsClosedOnAccept() throws Exception {
    Host server = started(noiseYamux().connectionGater(AllowDenyGater.builder().denySubnet("127.0.0.0/8").build()));
    Host client = started(noiseYamux());
    assertThrows(ExecutionException.class, () -> client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS));
    assertEquals(0, server.resourceUsage().system().connections());
  }

  @Test
  void aDeadAddressIsBackedOff() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PeerId nobody = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    Multiaddr dead = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + closedPort + "/p2p/" + nobody);
    Host client = started(noiseYamux());
    ExecutionException first = assertThrows(ExecutionException.class, () -> client.dial(dead).get(30, TimeUnit.SECONDS));
    assertInstanceOf(TransportException.class, first.getCause());
    ExecutionException second = assertThrows(ExecutionException.class, () -> client.dial(dead).get(30, TimeUnit.SECONDS));
    DialBackoffException backoff = assertInstanceOf(DialBackoffException.class, second.getCause());
    assertEquals(nobody, backoff.peer());
  }

  @Test
  void theConnectionManagerTrimsToTheLowWatermarkKeepingProtectedPeers() throws Exception {
    Host server = started(noiseYamux().connectionManager(ConnectionManagerConfig.builder()
        .lowWater(1).highWater(2).gracePeriod(Duration.ZERO).silencePeriod(Duration.ofMillis(1)).build()));
    Host keeper = started(noiseYamux());
    server.connectionManager().protect(keeper.peerId(), "test");
    await(keeper.dial(server.listenAddresses().get(0)));
    List<Host> others = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Host other = started(noiseYamux());
      others.add(other);
      await(other.dial(server.listenAddresses().get(0)));
    }
    // Three connections, one past the high watermark. As in go, the low watermark counts the
    // trimmable ones: of the two unprotected, one goes, and the protected peer stays.
    Eventually.await("the server trims", 10, () -> server.connections().size() == 2);
    assertTrue(server.connections().stream().anyMatch(c -> c.remotePeer().equals(keeper.peerId())));
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    Host server = started(noiseYamux().connectionManager(ConnectionManagerConfig.builder()
        .gracePeriod(Duration.ZERO).idleTimeout(Duration.ofSeconds(1)).build()));
    Host busy = started(noiseYamux());
    Host idle = started(noiseYamux());
    Connection busyConnection = await(busy.dial(server.listenAddresses().get(0)));
    Stream held = await(busy.newStream(busyConnection, Hosts.ECHO));
    await(idle.dial(server.listenAddresses().get(0)));
    Eventually.await("the server has both connections", 10, () -> server.connections().size() == 2);
    long since = System.nanoTime();
    // The manager looks every 5 s: one look finds a connection idle, a later one closes it.
    Eventually.await("the server closes the idle connection", 30,
        () -> server.connections().stream().noneMatch(c -> c.remotePeer().equals(idle.peerId())));
    assertTrue(busyConnection.isOpen() && held.isOpen(), "a connection with an open stream is not idle");
    assertTrue(System.nanoTime() - since >= Duration.ofSeconds(1).toNanos(), "closed before its idle timeout");
  }

  @Test
  void aFatalErrorOnAnEventLoopClosesTheHostLoudly() throws Exception {
    java.util.concurrent.CompletableFuture<Throwable> failed = new java.util.concurrent.CompletableFuture<>();
    Host server = started(noiseYamux().eventListener(new EventListener() {
      @Override
      public void hostFailed(Throwable cause) {
        failed.complete(cause);
      }
    }));
    server.setStreamHandler("/oom/1.0.0", s -> s.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg);
        throw new OutOfMemoryError("simulated: the heap is gone");
      }
    }));
    Host client = started(noiseYamux());
    Stream stream = await(client.newStream(server.listenAddresses().get(0), "/oom/1.0.0"));
    stream.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1}));
    assertEquals("simulated: the heap is gone", await(failed).getMessage());
    // The host closed itself: its close completes without being asked for.
    await(server.closeAsync());
    assertEquals(List.of(), server.connections());
  }
}
