package io.jlibp2p.core.resource.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.StreamScope;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads opening, moving and closing at once: the counts stay within their limits and end at zero. */
class ResourceManagerConcurrencyTest {

  private static final int THREADS = 4;
  private static final int STEPS = 3000;
  private static final List<PeerId> PEERS = List.of(
      PeerId.fromPublicKey(PrivateKey.generate().publicKey()),
      PeerId.fromPublicKey(PrivateKey.generate().publicKey()),
      PeerId.fromPublicKey(PrivateKey.generate().publicKey()));
  private static final List<String> PROTOCOLS = List.of("/p0", "/p1", "/p2");
  private static final List<String> SERVICES = List.of("s0", "s1");

  private static final ResourceLimits LIMITS = ResourceLimits.unlimited().toBuilder()
      .system(ScopeLimit.UNLIMITED.withConnections(10, 10).withStreams(40, 40).withMemory(20_000)
          .withFileDescriptors(16))
      .transientScope(ScopeLimit.UNLIMITED.withConnections(4, 4).withStreams(12, 12).withMemory(4_000))
      .peerDefault(ScopeLimit.UNLIMITED.withConnections(3, 3).withStreams(12, 12).withMemory(8_000))
      .connection(ScopeLimit.UNLIMITED.withStreams(4, 4).withMemory(3_000))
      .stream(ScopeLimit.UNLIMITED.withMemory(800))
      .protocol("/p0", ScopeLimit.UNLIMITED.withStreams(6, 6).withMemory(3_000))
      .service("s0", ScopeLimit.UNLIMITED.withStreams(5, 5).withMemory(2_500))
      .inboundConnectionsPerIp(2)
      .build();

  /** A connection with its streams, as one worker holds it. */
  private record Session(ConnectionResources connection, List<StreamScope> streams) {}

  private final ResourceFixture f = new ResourceFixture(LIMITS);
  private final AtomicInteger caught = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

  @Test
  @Timeout(120)
  void countsStayWithinTheirLimitsAndEndAtZero() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<Integer> observer = executor.submit(() -> {
        int snapshots = 0;
        while (!done.get()) {
          checkWithinLimits();
          snapshots++;
        }
        return snapshots;
      });
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = 42 + t;
        workers.add(executor.submit(() -> {
          start.await();
          work(new Random(seed));
          return null;
        }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get();
      }
      done.set(true);
      assertTrue(observer.get() > 0);
    } finally {
      executor.shutdownNow();
      assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }
    checkWithinLimits();
    assertEquals(List.of(), List.copyOf(violations));
    assertTrue(caught.get() > 100, "the limits were reached: " + caught.get() + " refusals");
    assertEquals(caught.get(), f.refusals.size(), "every refusal is reported");
    f.assertEmpty();
  }

  private void work(Random random) {
    List<Session> sessions = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      int action = random.nextInt(10);
      if (sessions.isEmpty() || (action < 3 && sessions.size() < 5)) {
        open(random, sessions);
      } else if (action < 8) {
        advance(random, sessions.get(random.nextInt(sessions.size())));
      } else {
        close(random, sessions.remove(random.nextInt(sessions.size())));
      }
    }
    sessions.forEach(session -> close(random, session));
  }

  private void open(Random random, List<Session> sessions) {
    Direction direction = random.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND;
    ConnectionResources connection;
    try {
      connection = f.manager.openConnection(direction, ResourceFixture.tcp("192.0.2." + random.nextInt(8)));
    } catch (LimitExceededException e) {
      caught.incrementAndGet();
      return;
    }
    reserve(random, connection, 1500);
    try {
      connection.setPeer(PEERS.get(random.nextInt(PEERS.size())));
    } catch (LimitExceededException e) {
      caught.incrementAndGet();
      connection.close();
      return;
    }
    sessions.add(new Session(connection, new ArrayList<>()));
  }

  private void advance(Random random, Session session) {
    switch (random.nextInt(5)) {
      case 0, 1 -> {
        try {
          StreamScope stream = session.connection().open(random.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND);
          session.streams().add(stream);
          reserve(random, stream, 600);
        } catch (LimitExceededException e) {
          caught.incrementAndGet();
        }
      }
      case 2 -> {
        if (!session.streams().isEmpty()) {
          StreamScope stream = session.streams().get(random.nextInt(session.streams().size()));
          try {
            stream.setProtocol(PROTOCOLS.get(random.nextInt(PROTOCOLS.size())));
            if (random.nextBoolean()) {
              stream.setService(SERVICES.get(random.nextInt(SERVICES.size())));
            }
          } catch (LimitExceededException e) {
            caught.incrementAndGet();
          }
        }
      }
      case 3 -> {
        if (!session.streams().isEmpty()) {
          session.streams().remove(random.nextInt(session.streams().size())).close();
        }
      }
      default -> {
        if (!session.streams().isEmpty()) {
          StreamScope stream = session.streams().get(random.nextInt(session.streams().size()));
          if (random.nextBoolean()) {
            reserve(random, stream, 400);
          } else {
            stream.releaseMemory(random.nextInt(400));
          }
        } else {
          session.connection().releaseMemory(random.nextInt(800));
        }
      }
    }
  }

  private void reserve(Random random, io.jlibp2p.core.resource.ResourceScope scope, int upTo) {
    try {
      scope.reserveMemory(random.nextInt(upTo));
    } catch (LimitExceededException e) {
      caught.incrementAndGet();
    }
  }

  private void close(Random random, Session session) {
    List<Runnable> closes = new ArrayList<>();
    session.streams().forEach(stream -> closes.add(stream::close));
    closes.add(session.connection()::close);
    Collections.shuffle(closes, random);
    closes.forEach(Runnable::run);
    if (random.nextBoolean()) {
      closes.forEach(Runnable::run); // twice changes nothing
    }
  }

  private void checkWithinLimits() {
    check("system", f.manager.system(), LIMITS.system());
    check("transient", f.manager.transientScope(), LIMITS.transientScope());
    f.manager.peers().forEach((peer, usage) -> check("peer:" + peer, usage, LIMITS.peer(peer)));
    f.manager.protocols().forEach((protocol, usage) -> check("protocol:" + protocol, usage, LIMITS.protocol(protocol)));
    f.manager.services().forEach((service, usage) -> check("service:" + service, usage, LIMITS.service(service)));
    for (Map<?, ScopeUsage> scopes : List.of(f.manager.peers(), f.manager.protocols(), f.manager.services())) {
      scopes.forEach((name, usage) -> {
        if (usage.equals(ScopeUsage.NONE)) {
          violations.add(name + " is empty but listed");
        }
      });
    }
  }

  private void check(String scope, ScopeUsage usage, ScopeLimit limit) {
    if (usage.connectionsInbound() < 0 || usage.connectionsOutbound() < 0 || usage.streamsInbound() < 0
        || usage.streamsOutbound() < 0 || usage.memory() < 0 || usage.fileDescriptors() < 0) {
      violations.add(scope + " below zero: " + usage);
    }
    if (usage.connectionsInbound() > limit.connectionsInbound()
        || usage.connectionsOutbound() > limit.connectionsOutbound()
        || usage.connections() > limit.connections()
        || usage.streamsInbound() > limit.streamsInbound()
        || usage.streamsOutbound() > limit.streamsOutbound()
        || usage.streams() > limit.streams()
        || usage.memory() > limit.memory()
        || usage.fileDescriptors() > limit.fileDescriptors()) {
      violations.add(scope + " above its limit: " + usage + " > " + limit);
    }
  }
}
