package io.jlibp2p.core.connmgr;

import static io.jlibp2p.core.connmgr.FakeHost.newPeer;
import static io.jlibp2p.core.connmgr.FakeHost.newPeers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.connmgr.internal.ManagedConnection;
import io.jlibp2p.crypto.PeerId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecayingTagTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final FakeHost host = new FakeHost(ConnectionManagerConfig.builder()
      .decayResolution(MINUTE).gracePeriod(Duration.ZERO).build());
  private final ConnectionManager manager = host.manager;
  private final PeerId peer = newPeer();

  private Map<String, Integer> decaying() {
    return manager.tagInfo(peer).orElseThrow().decayingTags();
  }

  /** Moves the clock one minute and ticks, as a host ticking every minute would. */
  private void minutePasses() {
    host.clock.advance(MINUTE);
    host.manager.tick();
  }

  @Test
  void aFixedDecayStepsOncePerIntervalAndRemovesTheTagAtZero() {
    host.connect(peer);
    DecayingTag tag = manager.registerDecayingTag("useful", Duration.ofMinutes(2), DecayFunction.fixed(3),
        BumpFunction.sumUnbounded());
    tag.bump(peer, 7);
    assertEquals(Map.of("useful", 7), decaying());
    assertEquals(7, manager.tagInfo(peer).orElseThrow().value());

    host.clock.advance(Duration.ofSeconds(119));
    host.manager.tick();
    assertEquals(Map.of("useful", 7), decaying(), "one second before the interval");

    host.clock.advance(Duration.ofSeconds(1));
    host.manager.tick();
    assertEquals(Map.of("useful", 4), decaying());

    minutePasses();
    assertEquals(Map.of("useful", 4), decaying(), "the next step is two minutes after the first");
    minutePasses();
    assertEquals(Map.of("useful", 1), decaying());
    minutePasses();
    minutePasses();
    assertEquals(Map.of(), decaying(), "1 - 3 is below zero: removed");
    assertEquals(0, manager.tagInfo(peer).orElseThrow().value());
  }

  @Test
  void ticksBetweenResolutionsDoNotDecay() {
    DecayingTag tag = manager.registerDecayingTag("t", MINUTE, DecayFunction.fixed(1), BumpFunction.sumUnbounded());
    host.connect(peer);
    tag.bump(peer, 10);
    for (int i = 0; i < 11; i++) {
      host.clock.advance(Duration.ofSeconds(5));
      host.manager.tick();
    }
    assertEquals(Map.of("t", 10), decaying(), "55 s: no step yet");

    host.clock.advance(Duration.ofSeconds(5));
    host.manager.tick();
    host.manager.tick();
    assertEquals(Map.of("t", 9), decaying(), "one step, however many ticks");
  }

  @Test
  void decayPassesRunOnTheResolutionsGridWhateverTheTagsInterval() {
    DecayingTag tag = manager.registerDecayingTag("t", Duration.ofSeconds(90), DecayFunction.fixed(1),
        BumpFunction.sumUnbounded());
    host.connect(peer);
    tag.bump(peer, 10);
    for (int i = 0; i < 11; i++) { // ticks every 10 s up to 110 s
      host.clock.advance(Duration.ofSeconds(10));
      host.manager.tick();
    }
    assertEquals(Map.of("t", 10), decaying(), "due at 90 s, but passes run at 60 s and 120 s");

    host.clock.advance(Duration.ofSeconds(10));
    host.manager.tick();
    assertEquals(Map.of("t", 9), decaying());
  }

  @Test
  void aLinearDecayHalvesRoundingDown() {
    host.connect(peer);
    DecayingTag tag = manager.registerDecayingTag("half", MINUTE, DecayFunction.linear(0.5), BumpFunction.sumUnbounded());
    tag.bump(peer, 9);

    minutePasses();
    assertEquals(Map.of("half", 4), decaying());
    minutePasses();
    minutePasses();
    assertEquals(Map.of("half", 1), decaying());
    minutePasses();
    assertEquals(Map.of(), decaying());
  }

  @Test
  void anInactiveTagExpiresAfterItsLastBumpAndKeepsItsValueUntilThen() {
    host.connect(peer);
    DecayingTag tag = manager.registerDecayingTag("recent", MINUTE,
        DecayFunction.expireWhenInactive(Duration.ofMinutes(3)), BumpFunction.overwrite());
    tag.bump(peer, 10);

    minutePasses();
    minutePasses();
    tag.bump(peer, 20); // minute 2: expires at minute 5
    minutePasses();
    minutePasses();
    assertEquals(Map.of("recent", 20), decaying());
    minutePasses();
    assertEquals(Map.of(), decaying());
  }

  @Test
  void bumpFunctionsSumWithinBoundsSaturateOrOverwrite() {
    host.connect(peer);
    DecayingTag bounded = manager.registerDecayingTag("bounded", MINUTE, DecayFunction.none(), BumpFunction.sumBounded(-5, 10));
    DecayingTag unbounded = manager.registerDecayingTag("unbounded", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded());
    DecayingTag overwrite = manager.registerDecayingTag("overwrite", MINUTE, DecayFunction.none(), BumpFunction.overwrite());

    bounded.bump(peer, 4);
    bounded.bump(peer, 4);
    assertEquals(8, decaying().get("bounded"));
    bounded.bump(peer, 4);
    assertEquals(10, decaying().get("bounded"), "capped at max");
    bounded.bump(peer, -100);
    assertEquals(-5, decaying().get("bounded"), "floored at min");

    unbounded.bump(peer, Integer.MAX_VALUE);
    unbounded.bump(peer, 1);
    assertEquals(Integer.MAX_VALUE, decaying().get("unbounded"), "saturates instead of wrapping around");

    overwrite.bump(peer, 3);
    overwrite.bump(peer, -2);
    assertEquals(-2, decaying().get("overwrite"));

    minutePasses();
    assertEquals(Map.of("bounded", -5, "unbounded", Integer.MAX_VALUE, "overwrite", -2), decaying(),
        "none() keeps them");
  }

  @Test
  void anIntervalShorterThanTheResolutionIsRaisedToIt() {
    DecayingTag tag = manager.registerDecayingTag(
        "fast", Duration.ofSeconds(1), DecayFunction.fixed(1), BumpFunction.sumUnbounded());
    assertEquals(MINUTE, tag.interval());
    assertEquals("fast", tag.name());
  }

  @Test
  void aNameIsTakenUntilItsTagCloses() {
    DecayingTag tag = manager.registerDecayingTag("name", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> manager.registerDecayingTag("name", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded()));
    assertTrue(e.getMessage().contains("'name' is already registered"), e.getMessage());

    tag.close();
    tag.close(); // idempotent
    manager.registerDecayingTag("name", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded());
  }

  @Test
  void closingATagRemovesItFromEveryPeerAndRefusesFurtherUse() {
    List<PeerId> peers = newPeers(2);
    peers.forEach(host::connect);
    DecayingTag tag = manager.registerDecayingTag("t", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded());
    peers.forEach(p -> tag.bump(p, 5));
    manager.tagPeer(peers.get(0), "plain", 1);

    tag.close();

    assertEquals(1, manager.tagInfo(peers.get(0)).orElseThrow().value());
    assertEquals(Map.of(), manager.tagInfo(peers.get(1)).orElseThrow().decayingTags());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> tag.bump(peer, 1));
    assertTrue(e.getMessage().contains("decaying tag 't': it is closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> tag.remove(peer));
  }

  @Test
  void removeTakesTheTagFromOnePeer() {
    List<PeerId> peers = newPeers(2);
    peers.forEach(host::connect);
    DecayingTag tag = manager.registerDecayingTag("t", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded());
    peers.forEach(p -> tag.bump(p, 5));

    tag.remove(peers.get(0));
    tag.remove(newPeer()); // unknown peer: nothing

    assertEquals(Map.of(), manager.tagInfo(peers.get(0)).orElseThrow().decayingTags());
    assertEquals(Map.of("t", 5), manager.tagInfo(peers.get(1)).orElseThrow().decayingTags());
  }

  @Test
  void decayingValuesCountWhenTrimming() {
    FakeHost small = new FakeHost(ConnectionManagerConfig.builder().lowWater(1).highWater(5).gracePeriod(Duration.ZERO).build());
    List<PeerId> peers = newPeers(2);
    DecayingTag tag = small.manager.registerDecayingTag("t", MINUTE, DecayFunction.none(), BumpFunction.sumUnbounded());
    small.manager.tagPeer(peers.get(0), "plain", 3);
    tag.bump(peers.get(1), 4);
    peers.forEach(small::connect);

    List<ManagedConnection> trimmed = small.manager.trim();

    assertEquals(List.of(peers.get(0)), trimmed.stream().map(ManagedConnection::peer).toList());
  }

  @Test
  void aFailingDecayFunctionKeepsTheValue() {
    host.connect(peer);
    DecayingTag tag = manager.registerDecayingTag("broken", MINUTE, (value, now) -> {
      throw new IllegalStateException("boom");
    }, BumpFunction.sumUnbounded());
    tag.bump(peer, 2);

    minutePasses();

    assertEquals(Map.of("broken", 2), decaying());
  }

  @Test
  void aDecayingTagNeedsAPositiveInterval() {
    assertThrows(IllegalArgumentException.class,
        () -> manager.registerDecayingTag("zero", Duration.ZERO, DecayFunction.none(), BumpFunction.overwrite()));
    assertEquals(Optional.empty(), manager.tagInfo(peer));
  }
}
