package io.jlibp2p.core.connmgr;

/**
 * How {@link DecayingTag#bump} applies a delta to a peer's value (go-libp2p's {@code BumpFn}). It
 * runs under the connection manager's lock: it must be quick and must not call the connection
 * manager.
 */
@FunctionalInterface
public interface BumpFunction {

  /**
   * The value after the bump.
   *
   * @param value the value before it: 0 when the peer did not hold the tag yet
   * @param delta what {@link DecayingTag#bump} was given
   */
  int bump(DecayingValue value, int delta);

  /**
   * Adds the delta (go's {@code BumpSumUnbounded}), saturating at {@link Integer#MIN_VALUE} and
   * {@link Integer#MAX_VALUE} instead of wrapping around.
   */
  static BumpFunction sumUnbounded() {
    return (value, delta) -> clamp((long) value.value() + delta, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /**
   * Adds the delta and keeps the sum within [{@code min}, {@code max}] (go's {@code
   * BumpSumBounded}).
   *
   * @throws IllegalArgumentException if {@code min} exceeds {@code max}
   */
  static BumpFunction sumBounded(int min, int max) {
    if (min > max) {
      throw new IllegalArgumentException("the bounds of a bounded sum are reversed: min " + min + " > max " + max);
    }
    return (value, delta) -> clamp((long) value.value() + delta, min, max);
  }

  /** Replaces the value with the delta (go's {@code BumpOverwrite}). */
  static BumpFunction overwrite() {
    return (value, delta) -> delta;
  }

  private static int clamp(long sum, int min, int max) {
    return (int) Math.max(min, Math.min(max, sum));
  }
}
