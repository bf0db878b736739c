package io.jlibp2p.core.connmgr;

import static io.jlibp2p.core.connmgr.FakeHost.newPeer;
import static io.jlibp2p.core.connmgr.internal.ConnectionManagerListener.Reason.IDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefaultConnectionManagerIdleTest {

  private final FakeHost host = new FakeHost(ConnectionManagerConfig.builder().idleTimeout(Duration.ofMinutes(5)).build());

  @Test
  void aConnectionWithoutStreamsClosesAfterTheIdleTimeoutAndNotBefore() {
    FakeConnection connection = host.connect(newPeer());
    host.clock.advance(Duration.ofMinutes(2));
    connection.streams(1, host.clock.instant());
    host.clock.advance(Duration.ofMinutes(10));
    host.manager.tick();
    assertFalse(connection.closed(), "it has a stream");

    connection.streams(0, host.clock.instant());
    host.clock.advance(Duration.ofMinutes(5).minusMillis(1));
    host.manager.tick();
    assertFalse(connection.closed(), "idle for 1 ms less than the timeout");

    host.clock.advance(Duration.ofMillis(1));
    host.manager.tick();
    assertTrue(connection.closed());
    assertEquals(List.of(Map.entry(connection, IDLE)), host.reported);
    assertTrue(host.open.isEmpty());

    host.manager.tick();
    assertEquals(1, connection.closeCalls.get(), "closed once");
  }

  @Test
  void aNewConnectionIsIdleFromItsOpening() {
    FakeConnection connection = host.connect(newPeer());
    host.clock.advance(Duration.ofMinutes(5));
    host.manager.tick();
    assertTrue(connection.closed());
  }

  @Test
  void protectedPeersConnectionsAreNotClosedForIdleness() {
    FakeConnection kept = host.connect(newPeer());
    host.manager.protect(kept.peer(), "relay");
    FakeConnection closed = host.connect(newPeer());

    host.clock.advance(Duration.ofHours(1));
    host.manager.tick();

    assertFalse(kept.closed());
    assertTrue(closed.closed());
  }

  @Test
  void withoutAnIdleTimeoutIdleConnectionsStayOpen() {
    FakeHost defaults = new FakeHost(ConnectionManagerConfig.defaults());
    FakeConnection connection = defaults.connect(newPeer());

    defaults.clock.advance(Duration.ofDays(1));
    defaults.manager.tick();

    assertFalse(connection.closed());
    assertTrue(defaults.reported.isEmpty());
  }
}
