package io.jlibp2p.core.host.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.transport.DialBackoffException;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DialBackoffTest {

  private final ManualClock clock = new ManualClock();
  private final DialBackoff backoff = new DialBackoff(clock);
  private final PeerId peer = newPeer();
  private final PeerId other = newPeer();

  private static PeerId newPeer() {
    return PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  }

  private static Multiaddr tcp(int port) {
    return Multiaddr.fromString("/ip4/10.0.0.1/tcp/" + port);
  }

  private static Duration seconds(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void aFirstFailureBacksOffForTheBase() {
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(1)));
    assertEquals(seconds(5), backoff.failed(peer, tcp(1)));
    assertEquals(Optional.of(seconds(5)), backoff.backoffRemaining(peer, tcp(1)));
    clock.advance(seconds(2));
    assertEquals(Optional.of(seconds(3)), backoff.backoffRemaining(peer, tcp(1)));
    clock.advance(seconds(3));
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(1)));
    // Only that pair is backed off.
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(2)));
    assertEquals(Optional.empty(), backoff.backoffRemaining(other, tcp(1)));
  }

  @Test
  void theBackoffGrowsWithTheSquareOfEarlierFailures() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Duration delay = backoff.failed(peer, tcp(1));
      delays.add(delay);
      assertEquals(Optional.of(delay), backoff.backoffRemaining(peer, tcp(1)));
      clock.advance(delay);
    }
    // 5 s + 1 s × 0, 1, 4, 9, 16, 25
    assertEquals(List.of(seconds(5), seconds(6), seconds(9), seconds(14), seconds(21), seconds(30)), delays);
  }

  @Test
  void theBackoffIsCappedAtTheMax() {
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      delays.add(backoff.failed(peer, tcp(1)));
    }
    // 5 s + (n - 1)² s reaches 300 s after n - 1 = 18 (329 s): the 19th failure and later are capped.
    assertEquals(seconds(5 + 17 * 17), delays.get(17));
    assertEquals(DialBackoff.DEFAULT_MAX, delays.get(18));
    assertEquals(DialBackoff.DEFAULT_MAX, delays.get(39));
    assertEquals(Optional.of(Duration.ofMinutes(5)), backoff.backoffRemaining(peer, tcp(1)));
  }

  @Test
  void aHugeCoefficientDoesNotOverflow() {
    DialBackoff steep = new DialBackoff(clock, seconds(1), Duration.ofDays(365_000), Duration.ofDays(1), 10);
    assertEquals(seconds(1), steep.failed(peer, tcp(1)));
    for (int i = 0; i < 100; i++) {
      assertEquals(Duration.ofDays(1), steep.failed(peer, tcp(1)));
    }
  }

  @Test
  void aZeroCoefficientKeepsTheBase() {
    DialBackoff flat = new DialBackoff(clock, seconds(2), Duration.ZERO, seconds(60), 10);
    for (int i = 0; i < 5; i++) {
      assertEquals(seconds(2), flat.failed(peer, tcp(1)));
    }
  }

  @Test
  void checkThrowsNamingPeerAddressAndUntil() {
    assertDoesNotThrow(() -> backoff.check(peer, tcp(1)));
    backoff.failed(peer, tcp(1));
    backoff.failed(peer, tcp(1));
    DialBackoffException e = assertThrows(DialBackoffException.class, () -> backoff.check(peer, tcp(1)));
    Instant until = clock.instant().plus(seconds(6));
    assertEquals(peer, e.peer());
    assertEquals(tcp(1), e.address());
    assertEquals(until, e.until());
    assertTrue(e instanceof TransportException);
    for (String part : List.of(peer.toString(), tcp(1).toString(), until.toString(), "2 failed")) {
      assertTrue(e.getMessage().contains(part), () -> e.getMessage() + " does not mention " + part);
    }
    assertDoesNotThrow(() -> backoff.check(peer, tcp(2)));
    clock.advance(seconds(6));
    assertDoesNotThrow(() -> backoff.check(peer, tcp(1)));
  }

  @Test
  void successClearsEveryAddressOfThePeerOnly() {
    backoff.failed(peer, tcp(1));
    backoff.failed(peer, tcp(2));
    backoff.failed(other, tcp(1));
    backoff.succeeded(peer);
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(1)));
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(2)));
    assertEquals(Optional.of(seconds(5)), backoff.backoffRemaining(other, tcp(1)));
    assertEquals(1, backoff.size());
    // It starts over at the base.
    assertEquals(seconds(5), backoff.failed(peer, tcp(1)));
    backoff.succeeded(newPeer());
    assertEquals(2, backoff.size());
  }

  @Test
  void anAddressWithOrWithoutItsPeerIdIsOneEntry() {
    backoff.failed(peer, peer.appendTo(tcp(1)));
    assertEquals(Optional.of(seconds(5)), backoff.backoffRemaining(peer, tcp(1)));
    assertEquals(seconds(6), backoff.failed(peer, tcp(1)));
    assertEquals(1, backoff.size());
  }

  @Test
  void failuresAreRememberedForMaxAfterTheBackoffEnds() {
    backoff.failed(peer, tcp(1));
    clock.advance(seconds(5).plus(DialBackoff.DEFAULT_MAX).minusSeconds(1));
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(1)));
    assertEquals(seconds(6), backoff.failed(peer, tcp(1)));

    clock.advance(seconds(6).plus(DialBackoff.DEFAULT_MAX));
    assertEquals(seconds(5), backoff.failed(peer, tcp(1)));
  }

  @Test
  void forgottenEntriesArePruned() {
    backoff.failed(peer, tcp(1));
    backoff.failed(peer, tcp(2));
    clock.advance(seconds(5).plus(DialBackoff.DEFAULT_MAX));
    backoff.failed(other, tcp(3));
    assertEquals(1, backoff.size());
  }

  @Test
  void theOldestFailureIsEvictedBeyondTheBound() {
    DialBackoff bounded = new DialBackoff(clock, seconds(5), seconds(1), Duration.ofMinutes(5), 3);
    for (int port = 1; port <= 3; port++) {
      bounded.failed(peer, tcp(port));
      clock.advance(seconds(1));
    }
    // Failing again moves tcp(1) behind the others.
    bounded.failed(peer, tcp(1));
    bounded.failed(other, tcp(9));
    assertEquals(3, bounded.size());
    assertEquals(Optional.empty(), bounded.backoffRemaining(peer, tcp(2)));
    assertTrue(bounded.backoffRemaining(peer, tcp(1)).isPresent());
    assertTrue(bounded.backoffRemaining(peer, tcp(3)).isPresent());
    assertTrue(bounded.backoffRemaining(other, tcp(9)).isPresent());
    // The evicted entry left no trace in the per-peer index either.
    bounded.succeeded(peer);
    assertEquals(1, bounded.size());
  }

  @Test
  void theDefaultBoundHoldsUnderAFlood() {
    IntStream.range(0, DialBackoff.DEFAULT_MAX_ENTRIES + 500).forEach(port -> backoff.failed(peer, tcp(port % 65536)));
    assertEquals(DialBackoff.DEFAULT_MAX_ENTRIES, backoff.size());
    assertEquals(Optional.empty(), backoff.backoffRemaining(peer, tcp(0)));
    assertTrue(backoff.backoffRemaining(peer, tcp(DialBackoff.DEFAULT_MAX_ENTRIES + 499)).isPresent());
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class,
        () -> new DialBackoff(clock, seconds(-1), seconds(1), seconds(10), 10));
    assertThrows(IllegalArgumentException.class,
        () -> new DialBackoff(clock, seconds(1), seconds(-1), seconds(10), 10));
    IllegalArgumentException shortMax = assertThrows(IllegalArgumentException.class,
        () -> new DialBackoff(clock, seconds(10), seconds(1), seconds(5), 10));
    assertTrue(shortMax.getMessage().contains("PT5S"), shortMax.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new DialBackoff(clock, seconds(1), seconds(1), seconds(10), 0));
  }
}
