package io.jlibp2p.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Waits for something another thread, host or process does in its own time, such as a push
 * arriving, a peer noticing a close, or threads ending: polls a condition until it holds, and fails
 * naming what was awaited when a deadline passes first.
 *
 * <pre>{@code
 * Eventually.await("the server notices the close", 10, () -> server.connections().isEmpty());
 * }</pre>
 *
 * <p>This is the one place tests sleep to wait. When the code under test completes a future or
 * fires an event for the condition, wait on that instead: it is faster and cannot time out early.
 */
public final class Eventually {

  /** Between two looks at the condition. */
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

  private Eventually() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code seconds}. */
  public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
    await(what, Duration.ofSeconds(seconds), condition);
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = deadline(timeout);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + describe(timeout) + ": " + what);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /**
   * Reads {@code probe} until its value satisfies {@code condition}, and returns that value; fails
   * naming {@code what} and the last value read after {@code timeout}. An exception from the probe
   * ends the wait at once.
   */
  public static <T> T await(String what, Duration timeout, Probe<T> probe, Predicate<? super T> condition)
      throws Exception {
    long deadline = deadline(timeout);
    while (true) {
      T value = probe.read();
      if (condition.test(value)) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + describe(timeout) + ": " + what + "; last seen: " + value);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }

  /** Reads the current value of what is awaited; may throw, unlike a {@link java.util.function.Supplier}. */
  @FunctionalInterface
  public interface Probe<T> {
    T read() throws Exception;
  }

  private static long deadline(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return System.nanoTime() + timeout.toNanos();
  }

  private static String describe(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
