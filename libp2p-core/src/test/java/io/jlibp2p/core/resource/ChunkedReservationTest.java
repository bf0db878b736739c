package io.jlibp2p.core.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import org.junit.jupiter.api.Test;

class ChunkedReservationTest {

  /** A scope that counts what it lends, up to a limit, and how often it is asked. */
  private static final class CountingScope implements ResourceScope {
    final long limit;
    long reserved;
    int calls;

    CountingScope(long limit) {
      this.limit = limit;
    }

    @Override
    public String name() {
      return "test";
    }

    @Override
    public void reserveMemory(long bytes) {
      calls++;
      if (reserved + bytes > limit) {
        throw new LimitExceededException("test", "at most " + limit);
      }
      reserved += bytes;
    }

    @Override
    public void releaseMemory(long bytes) {
      calls++;
      reserved -= bytes;
    }

    @Override
    public ScopeUsage usage() {
      return new ScopeUsage(0, 0, 0, 0, reserved, 0);
    }
  }

  @Test
  void reservesWholeChunksAndKeepsOneWhenEmptied() {
    CountingScope scope = new CountingScope(1000);
    ChunkedReservation reservation = new ChunkedReservation(scope, 100);
    assertTrue(reservation.cover(1));
    assertEquals(100, scope.reserved);
    assertTrue(reservation.cover(100));
    assertEquals(1, scope.calls, "covered already");
    assertTrue(reservation.cover(250));
    assertEquals(300, scope.reserved);
    reservation.shrinkTo(0);
    assertEquals(100, scope.reserved, "one chunk stays, so that a buffer that fills and empties asks nothing");
    int calls = scope.calls;
    for (int i = 0; i < 10; i++) {
      assertTrue(reservation.cover(60));
      reservation.shrinkTo(0);
    }
    assertEquals(calls, scope.calls);
  }

  @Test
  void aRefusalKeepsWhatWasReserved() {
    CountingScope scope = new CountingScope(250);
    ChunkedReservation reservation = new ChunkedReservation(scope, 100);
    assertTrue(reservation.cover(150));
    assertFalse(reservation.cover(251));
    assertEquals(200, scope.reserved);
    assertEquals(200, reservation.reserved());
  }

  @Test
  void shrinkingGivesBackWhatIsAChunkBeyondTheNeed() {
    CountingScope scope = new CountingScope(10_000);
    ChunkedReservation reservation = new ChunkedReservation(scope, 100);
    reservation.cover(1000);
    reservation.shrinkTo(950);
    assertEquals(1000, scope.reserved, "less than a chunk spare: kept");
    reservation.shrinkTo(420);
    assertEquals(600, scope.reserved, "what 420 needs, and one spare chunk");
    int calls = scope.calls;
    for (int i = 0; i < 10; i++) {
      // Around a chunk's edge: the spare chunk absorbs it.
      assertTrue(reservation.cover(501));
      reservation.shrinkTo(499);
    }
    assertEquals(calls, scope.calls);
  }
}
