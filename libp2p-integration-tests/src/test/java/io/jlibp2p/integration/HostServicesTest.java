package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.AbstractHostService;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.perf.Perf;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Protocols attached as host services, and what the builder injects: threads, clock, a derived variant. */
class HostServicesTest {

  /** A service that records what the host gave it and did to it. */
  private static final class Probe extends AbstractHostService {
    final CompletableFuture<Connection> sawConnection = new CompletableFuture<>();
    final CompletableFuture<String> ranOn = new CompletableFuture<>();
    volatile ScheduledFuture<?> later;
    volatile boolean stopped;

    @Override
    protected void onStart(ServiceContext context) {
      context.host().setStreamHandler("/probe/1.0.0", stream -> stream.close());
      context.addEventListener(new EventListener() {
        @Override
        public void connectionOpened(Connection connection, Duration upgradeTime) {
          sawConnection.complete(connection);
        }
      });
      context.scheduler().execute(() -> ranOn.complete(Thread.currentThread().getName()));
      later = context.scheduler().schedule(() -> {}, 1, TimeUnit.HOURS);
    }

    ServiceContext exposedContext() {
      return context();
    }

    @Override
    public CompletableFuture<Void> stop() {
      stopped = true;
      return CompletableFuture.completedFuture(null);
    }
  }

  private static Host.Builder builder() {
    return Host.builder()
        .transport(TcpTransport.builder().threads(1).build())
        .secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.create())
        .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"));
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aServiceServesSeesEventsAndStopsWithItsHost() throws Exception {
    Probe probe = new Probe();
    Host server = builder().service(probe).build();
    try (Host client = builder().build()) {
      server.start().join();
      client.start().join();
      assertSame(probe, server.service(Probe.class).orElseThrow());
      assertEquals(Optional.empty(), server.service(Ping.class));
      assertTrue(await(probe.ranOn).startsWith("jlibp2p-host"), probe.ranOn.join());

      Connection connection = await(client.dial(server.listenAddresses().get(0)));
      IdentifyInfo info = await(connection.identify());
      assertTrue(info.protocols().contains("/probe/1.0.0"), info.protocols().toString());
      assertEquals(client.peerId(), await(probe.sawConnection).remotePeer());

      ScheduledFuture<?> later = probe.later;
      assertThrows(UnsupportedOperationException.class, () -> probe.exposedContext().scheduler().shutdown());
      server.close();
      assertTrue(probe.stopped);
      assertTrue(later.isCancelled());
      assertTrue(probe.exposedContext().scheduler().isShutdown());
    } finally {
      server.close();
    }
  }

  @Test
  void aServiceBelongsToOneHost() {
    Ping ping = new Ping();
    IllegalStateException unattached = assertThrows(IllegalStateException.class, () -> ping.ping(PeerId.fromPublicKey(
        io.jlibp2p.crypto.PrivateKey.generate().publicKey())));
    assertTrue(unattached.getMessage().contains("Host.Builder.service"), unattached.getMessage());
    try (Host first = builder().service(ping).build()) {
      IllegalStateException twice = assertThrows(IllegalStateException.class, () -> builder().service(ping).build());
      assertTrue(twice.getMessage().contains("already belongs to " + first), twice.getMessage());
    }
  }

  @Test
  void pingAndPerfAttachAsServices() throws Exception {
    Perf perf = Perf.client();
    Ping ping = new Ping();
    try (Host server = builder().service(new Ping()).service(Perf.server()).build();
        Host client = builder().service(ping).service(perf).build()) {
      server.start().join();
      client.start().join();
      await(client.dial(server.listenAddresses().get(0)));
      assertEquals(3, await(ping.ping(server.peerId(), 3)).size());
      assertEquals(1 << 20, await(perf.run(server.peerId(), 1 << 20, 1 << 20, Perf.Progress.NONE)).downloadBytes());
      IdentifyInfo clientSays = await(server.identify(client.peerId()));
      assertFalse(clientSays.protocols().contains(Perf.PROTOCOL_ID), "a perf client serves nothing");
      assertTrue(clientSays.protocols().contains(Ping.PROTOCOL_ID));
    }
  }

  @Test
  void closeAsyncIsIdempotentAndEndsDialing() throws Exception {
    Host host = builder().build();
    host.start().join();
    CompletableFuture<Void> closing = host.closeAsync();
    assertSame(closing, host.closeAsync());
    await(closing);
    host.close();
    Throwable refused = assertThrows(Exception.class,
        () -> await(host.dial(Multiaddr.fromString("/ip4/127.0.0.1/tcp/1")))).getCause();
    assertInstanceOf(IllegalStateException.class, refused);
  }

  @Test
  void newBuilderDerivesAVariantWithTheSameIdentityAndNoServices() throws Exception {
    try (Host original = builder().service(new Ping()).build()) {
      IllegalStateException noTransport = assertThrows(IllegalStateException.class, () -> original.newBuilder().build());
      assertTrue(noTransport.getMessage().contains("transport"), noTransport.getMessage());
      Host variant = original.newBuilder().transport(TcpTransport.builder().threads(1).build()).build();
      try (variant) {
        assertEquals(original.peerId(), variant.peerId());
        assertEquals(Optional.empty(), variant.service(Ping.class));
        assertTrue(original.service(Ping.class).isPresent());
      }
      Host other = original.newBuilder().identity(io.jlibp2p.crypto.PrivateKey.generate())
          .transport(TcpTransport.builder().threads(1).build()).build();
      try (other) {
        assertNotEquals(original.peerId(), other.peerId());
      }
    }
  }

  @Test
  void theClockAndTheThreadsAreInjectable() throws Exception {
    Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
    DefaultEventLoopGroup group = new DefaultEventLoopGroup(1, new DefaultThreadFactory("injected-thread"));
    Probe probe = new Probe();
    try (Host host = builder().clock(Clock.fixed(fixed, ZoneOffset.UTC)).eventLoopGroup(group).service(probe).build()) {
      host.start().join();
      // Peer record sequence numbers are time-based (as go's): the injected clock's time.
      assertEquals(fixed.toEpochMilli() * 1_000_000L, host.signedPeerRecord().record().seq());
      assertTrue(await(probe.ranOn).startsWith("injected-thread"), probe.ranOn.join());
    } finally {
      assertFalse(group.isShuttingDown(), "a group given to the builder is the caller's to stop");
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void closeOnANettyThreadFailsFastInsteadOfWaitingForItself() throws Exception {
    Probe probe = new Probe();
    try (Host host = builder().service(probe).build()) {
      CompletableFuture<Throwable> thrown = new CompletableFuture<>();
      probe.exposedContext().scheduler().execute(() -> {
        try {
          host.close();
          thrown.complete(null);
        } catch (IllegalStateException e) {
          thrown.complete(e);
        }
      });
      Throwable failure = await(thrown);
      assertTrue(failure != null && failure.getMessage().contains("closeAsync()"), String.valueOf(failure));
    }
  }

  @Test
  void aServiceThatFailsToStartOnASecondHostIsNotStoppedOnItsFirst() {
    Probe probe = new Probe();
    try (Host first = builder().service(probe).build()) {
      assertThrows(IllegalStateException.class, () -> builder().service(probe).build());
      assertFalse(probe.stopped, "the failed build stopped only what it had started");
      assertSame(first, probe.exposedContext().host());
    }
    assertTrue(probe.stopped);
  }
}
