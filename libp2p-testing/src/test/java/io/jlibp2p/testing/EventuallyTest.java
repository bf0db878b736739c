package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {

  @Test
  void returnsOnceTheConditionHolds() throws Exception {
    AtomicInteger looks = new AtomicInteger();
    Eventually.await("the third look", 10, () -> looks.incrementAndGet() == 3);
    assertEquals(3, looks.get());
  }

  @Test
  void returnsTheValueThatSatisfiedTheCondition() throws Exception {
    AtomicInteger looks = new AtomicInteger();
    int value = Eventually.await("a value of 2", Duration.ofSeconds(10), looks::incrementAndGet, v -> v == 2);
    assertEquals(2, value);
  }

  // The deadline passing is what these two check, so they do wait it out, briefly.

  @Test
  void failsNamingWhatWasAwaited() {
    AssertionError e = assertThrows(AssertionError.class, () -> Eventually.await("the impossible", Duration.ofMillis(50), () -> false));
    assertEquals("not within 50 ms: the impossible", e.getMessage());
  }

  @Test
  void failsWithTheLastValueSeen() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Eventually.await("an empty list", Duration.ofMillis(50), () -> List.of("left"), List::isEmpty));
    assertTrue(e.getMessage().endsWith("an empty list; last seen: [left]"), e.getMessage());
  }

  @Test
  void anExceptionFromTheProbeEndsTheWait() {
    IOException broken = new IOException("broken");
    IOException e = assertThrows(IOException.class, () -> Eventually.await("anything", Duration.ofSeconds(10), () -> {
      throw broken;
    }, v -> true));
    assertSame(broken, e);
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Eventually.await("anything", Duration.ZERO, () -> true));
  }
}
