package io.jlibp2p.core.connmgr;

import static io.jlibp2p.core.connmgr.FakeHost.newPeer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultConnectionManagerTagsTest {

  private final FakeHost host = new FakeHost(ConnectionManagerConfig.defaults());
  private final ConnectionManager manager = host.manager;
  private final PeerId peer = newPeer();

  @Test
  void tagsAddUpToThePeersValue() {
    Instant connectedAt = host.clock.instant();
    host.connect(peer);
    host.connect(peer);

    manager.tagPeer(peer, "kad", 5);
    manager.tagPeer(peer, "pubsub", 20);
    manager.tagPeer(peer, "kad", 7); // replaces 5
    manager.upsertTag(peer, "pubsub", value -> value * 2);
    manager.upsertTag(peer, "new", value -> value + 3); // starts from 0

    TagInfo info = manager.tagInfo(peer).orElseThrow();
    assertEquals(Map.of("kad", 7, "pubsub", 40, "new", 3), info.tags());
    assertEquals(50, info.value());
    assertEquals(2, info.connections());
    assertEquals(connectedAt, info.firstSeen());
    assertEquals(Map.of(), info.decayingTags());

    manager.untagPeer(peer, "pubsub");
    manager.untagPeer(peer, "absent");
    assertEquals(10, manager.tagInfo(peer).orElseThrow().value());
  }

  @Test
  void valuesBeyondAnIntDoNotOverflowTheTotal() {
    host.connect(peer);
    manager.tagPeer(peer, "a", Integer.MAX_VALUE);
    manager.tagPeer(peer, "b", Integer.MAX_VALUE);

    assertEquals(2L * Integer.MAX_VALUE, manager.tagInfo(peer).orElseThrow().value());
  }

  @Test
  void anUpsertThatThrowsLeavesNoEntry() {
    assertThrows(ArithmeticException.class, () -> manager.upsertTag(peer, "t", value -> value / 0));
    assertEquals(Optional.empty(), manager.tagInfo(peer));
  }

  @Test
  void aPeersLastDisconnectionForgetsItsTagsButNotItsProtection() {
    FakeConnection first = host.connect(peer);
    FakeConnection second = host.connect(peer);
    manager.tagPeer(peer, "kad", 5);
    manager.protect(peer, "relay");

    host.disconnect(first);
    assertEquals(Map.of("kad", 5), manager.tagInfo(peer).orElseThrow().tags(), "one connection is left");
    assertEquals(1, manager.tagInfo(peer).orElseThrow().connections());

    host.disconnect(second);
    assertEquals(Optional.empty(), manager.tagInfo(peer));
    assertTrue(manager.isProtected(peer, "relay"));

    host.connect(peer);
    assertEquals(Map.of(), manager.tagInfo(peer).orElseThrow().tags());
  }

  @Test
  void tagsSetBeforeTheFirstConnectionAreKeptAndTheGracePeriodStartsAtTheConnection() {
    manager.tagPeer(peer, "early", 4);
    assertEquals(0, manager.tagInfo(peer).orElseThrow().connections());
    host.clock.advance(Duration.ofSeconds(30));
    Instant connectedAt = host.clock.instant();

    host.connect(peer);

    TagInfo info = manager.tagInfo(peer).orElseThrow();
    assertEquals(Map.of("early", 4), info.tags());
    assertEquals(connectedAt, info.firstSeen());
  }

  @Test
  void tagsOfAPeerThatNeverConnectsAreForgottenAfterTheGracePeriod() {
    manager.tagPeer(peer, "early", 4);

    host.clock.advance(ConnectionManagerConfig.DEFAULT_GRACE_PERIOD.minusSeconds(1));
    host.manager.tick();
    assertTrue(manager.tagInfo(peer).isPresent());

    host.clock.advance(Duration.ofSeconds(1));
    host.manager.tick();
    assertEquals(Optional.empty(), manager.tagInfo(peer));
  }

  @Test
  void protectionTagsAreCountedSeparately() {
    assertFalse(manager.isProtected(peer, ""));
    manager.protect(peer, "relay");
    manager.protect(peer, "bootstrap");
    manager.protect(peer, "relay");

    assertTrue(manager.isProtected(peer, ""), "the empty tag asks for any protection");
    assertTrue(manager.isProtected(peer, "relay"));
    assertFalse(manager.isProtected(peer, "dht"));

    assertTrue(manager.unprotect(peer, "relay"), "still protected by bootstrap");
    assertFalse(manager.isProtected(peer, "relay"));
    assertFalse(manager.unprotect(peer, "bootstrap"));
    assertFalse(manager.isProtected(peer, ""));
    assertFalse(manager.unprotect(peer, "bootstrap"), "unprotecting an unprotected peer");
  }

  @Test
  void nullArgumentsAreRefusedByName() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> manager.tagPeer(peer, null, 1));
    assertEquals("tag", e.getMessage());
    assertThrows(NullPointerException.class, () -> manager.protect(null, "x"));
  }
}
