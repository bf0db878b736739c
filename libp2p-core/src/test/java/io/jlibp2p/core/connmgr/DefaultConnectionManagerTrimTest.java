package io.jlibp2p.core.connmgr;

import static io.jlibp2p.core.connmgr.FakeHost.newPeers;
import static io.jlibp2p.core.connmgr.internal.ConnectionManagerListener.Reason.TRIMMED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.connmgr.internal.ManagedConnection;
import io.jlibp2p.crypto.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DefaultConnectionManagerTrimTest {

  /** Low 3, high 5: small enough to count by hand. */
  private static ConnectionManagerConfig.Builder small() {
    return ConnectionManagerConfig.builder().lowWater(3).highWater(5);
  }

  @Test
  void aConnectionAboveTheHighWatermarkTrimsDownToTheLowOneKeepingTheMostValuablePeers() {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ZERO).build());
    List<PeerId> peers = newPeers(6);
    for (int i = 0; i < peers.size(); i++) {
      host.manager.tagPeer(peers.get(i), "score", 10 * i); // peers.get(0) is worth least
    }
    for (int i = 0; i < 5; i++) {
      host.connect(peers.get(i));
    }
    assertEquals(5, host.open.size(), "at the high watermark, nothing is trimmed");
    assertTrue(host.reported.isEmpty());

    host.connect(peers.get(5));

    assertEquals(Set.copyOf(peers.subList(3, 6)), Set.copyOf(host.openPeers()));
    assertEquals(3, host.reported.size());
    assertTrue(host.reported.stream().allMatch(entry -> entry.getValue() == TRIMMED));
    assertEquals(Set.copyOf(peers.subList(0, 3)), Set.copyOf(host.closed().stream().map(FakeConnection::peer).toList()));
    assertTrue(host.closed().stream().allMatch(c -> c.closeCalls.get() == 1));
  }

  @Test
  void peersInTheirGracePeriodAreNotTrimmedAndDoNotCountTowardTheLowWatermark() {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ofMinutes(1)).build());
    List<PeerId> old = newPeers(4);
    for (int i = 0; i < old.size(); i++) {
      host.manager.tagPeer(old.get(i), "score", 100 + i);
      host.connect(old.get(i));
    }
    host.clock.advance(Duration.ofMinutes(1)); // exactly the grace period: out of it, as in go
    List<PeerId> young = newPeers(2); // worth 0: they would go first without the grace period

    host.connect(young.get(0));
    host.connect(young.get(1));

    // 4 trimmable connections, low watermark 3: one goes, the least valuable old one.
    assertEquals(List.of(old.get(0)), host.closed().stream().map(FakeConnection::peer).toList());
    assertTrue(host.openPeers().containsAll(young));
    assertEquals(5, host.open.size());
  }

  @Test
  void nothingIsTrimmedWhileTooManyAreInTheGracePeriodThenATickTrimsOnceItEnds() {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ofMinutes(1)).build());
    List<PeerId> peers = newPeers(7);
    peers.forEach(host::connect);
    assertEquals(7, host.open.size(), "all seven are in their grace period");

    host.clock.advance(Duration.ofSeconds(59));
    host.manager.tick();
    assertEquals(7, host.open.size());

    host.clock.advance(Duration.ofSeconds(10)); // out of the grace period, and of the silence period
    host.manager.tick();
    assertEquals(3, host.open.size());
    assertEquals(4, host.reported.size());
  }

  @Test
  void protectedPeersAreNeverTrimmedAndDoNotCountTowardTheLowWatermark() {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ZERO).build());
    List<PeerId> peers = newPeers(6);
    host.manager.protect(peers.get(0), "relay");
    host.manager.protect(peers.get(1), "bootstrap");
    for (int i = 0; i < peers.size(); i++) {
      host.manager.tagPeer(peers.get(i), "score", i);
      host.connect(peers.get(i));
    }

    // 4 unprotected connections, low watermark 3: one goes, peers 0 and 1 are worth less but protected.
    assertEquals(List.of(peers.get(2)), host.closed().stream().map(FakeConnection::peer).toList());
    assertTrue(host.openPeers().containsAll(peers.subList(0, 2)));

    host.manager.unprotect(peers.get(0), "relay");
    host.manager.trim();
    assertEquals(List.of(peers.get(2), peers.get(0)), host.closed().stream().map(FakeConnection::peer).toList());
  }

  @Test
  void equalValuesTrimPeersWithoutStreamsFirstThenInboundThenFewerStreams() {
    FakeHost host = new FakeHost(ConnectionManagerConfig.builder()
        .lowWater(2).highWater(10).gracePeriod(Duration.ZERO).build());
    // Sorted: the last tie-break, the peer ID, favours each outbound peer over its inbound twin, so
    // only the direction rule can put the inbound one first.
    List<PeerId> peers = newPeers(5).stream().sorted().toList();
    FakeConnection outboundIdle = host.connect(peers.get(0), Direction.OUTBOUND);
    FakeConnection inboundIdle = host.connect(peers.get(1), Direction.INBOUND);
    FakeConnection inboundBusy = host.connect(peers.get(2), Direction.INBOUND).streams(3, host.clock.instant());
    FakeConnection outboundOneStream = host.connect(peers.get(3), Direction.OUTBOUND).streams(1, host.clock.instant());
    FakeConnection inboundOneStream = host.connect(peers.get(4), Direction.INBOUND).streams(1, host.clock.instant());

    List<ManagedConnection> trimmed = host.manager.trim();

    assertEquals(List.of(inboundIdle, outboundIdle, inboundOneStream), trimmed);
    assertEquals(Set.of(inboundBusy, outboundOneStream), Set.copyOf(host.open));
  }

  @Test
  void valueComesBeforeStreamsAndAPeerLosesAllItsConnections() {
    FakeHost host = new FakeHost(ConnectionManagerConfig.builder()
        .lowWater(2).highWater(10).gracePeriod(Duration.ZERO).build());
    List<PeerId> peers = newPeers(3);
    host.manager.tagPeer(peers.get(0), "score", 1);
    host.manager.tagPeer(peers.get(2), "score", 5);
    FakeConnection busyButWorthless1 = host.connect(peers.get(1)).streams(4, host.clock.instant());
    FakeConnection busyButWorthless2 = host.connect(peers.get(1), Direction.INBOUND);
    host.connect(peers.get(0));
    host.connect(peers.get(2));

    // 4 connections, low watermark 2: peer 1 (value 0) has two, which is enough.
    List<ManagedConnection> trimmed = host.manager.trim();

    assertEquals(Set.of(busyButWorthless1, busyButWorthless2), Set.copyOf(trimmed));
    assertEquals(Set.of(peers.get(0), peers.get(2)), Set.copyOf(host.openPeers()));
  }

  @Test
  void automaticTrimsWaitForTheSilencePeriodButAnExplicitTrimDoesNot() {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ZERO).silencePeriod(Duration.ofSeconds(10)).build());
    newPeers(6).forEach(host::connect);
    assertEquals(3, host.open.size(), "the first trim needs no silence before it");

    newPeers(3).forEach(host::connect);
    assertEquals(6, host.open.size(), "within the silence period");
    host.clock.advance(Duration.ofSeconds(9));
    host.manager.tick();
    assertEquals(6, host.open.size(), "still within the silence period");

    host.clock.advance(Duration.ofSeconds(1));
    host.manager.tick();
    assertEquals(3, host.open.size());

    newPeers(3).forEach(host::connect);
    assertEquals(6, host.open.size());
    assertEquals(3, host.manager.trim().size(), "an explicit trim ignores the silence period");
    assertEquals(3, host.open.size());
  }

  @Test
  void aTrimDoesNotChooseAgainConnectionsStillClosing() {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ZERO).build());
    host.closeBehaviour = connection -> {}; // closing takes a while: disconnected comes later
    newPeers(5).forEach(host::connect);

    List<ManagedConnection> first = host.manager.trim();
    List<ManagedConnection> second = host.manager.trim();

    assertEquals(2, first.size());
    assertEquals(List.of(), second);
    host.connect(FakeHost.newPeer()); // 6 tracked, 2 of them closing: not above the high watermark
    assertEquals(2, host.reported.size());
    assertTrue(first.stream().allMatch(c -> ((FakeConnection) c).closeCalls.get() == 1));
  }

  @Test
  void onlyConnectionsBothTrackedAndStillOpenAreClosed() {
    FakeHost host = new FakeHost(ConnectionManagerConfig.builder()
        .lowWater(0).highWater(10).gracePeriod(Duration.ZERO).build());
    List<PeerId> peers = newPeers(3);
    FakeConnection tracked = host.connect(peers.get(0));
    FakeConnection goneBeforeDisconnected = host.connect(peers.get(1));
    host.open.remove(goneBeforeDisconnected); // the host's table dropped it; disconnected() not yet called
    // In the table, connected() not yet called: of an unknown peer, and of the tracked one.
    FakeConnection unknownPeer = new FakeConnection(peers.get(2), Direction.INBOUND, host.clock.instant(), c -> {});
    FakeConnection trackedPeer = new FakeConnection(peers.get(0), Direction.INBOUND, host.clock.instant(), c -> {});
    host.open.add(unknownPeer);
    host.open.add(trackedPeer);

    assertEquals(List.of(tracked), host.manager.trim());
    assertFalse(goneBeforeDisconnected.closed());
    assertFalse(unknownPeer.closed());
    assertFalse(trackedPeer.closed());
  }

  @Test
  void connectionsAreClosedWithoutTheManagersLockHeld() throws Exception {
    FakeHost host = new FakeHost(small().gracePeriod(Duration.ZERO).build());
    List<Thread> closers = new ArrayList<>();
    // The host's close completes on another thread, which calls back into the manager; were the
    // lock held during close(), the join below would wait for the whole timeout.
    host.closeBehaviour = connection -> {
      Thread closer = new Thread(() -> host.disconnect(connection));
      closers.add(closer);
      closer.start();
      try {
        closer.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };

    newPeers(6).forEach(host::connect);

    assertEquals(3, closers.size());
    assertTrue(closers.stream().noneMatch(Thread::isAlive), "a disconnected() call waited for the lock");
    assertEquals(3, host.open.size());
    for (FakeConnection closed : host.closed()) {
      assertEquals(Optional.empty(), host.manager.tagInfo(closed.peer()), "disconnected() was applied");
    }
  }
}
