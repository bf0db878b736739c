package io.jlibp2p.core.connmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One decay step of a {@link DecayingTag}, run once per {@link DecayingTag#interval()} for each
 * peer holding the tag (go-libp2p's {@code DecayFn}). It runs under the connection manager's lock:
 * it must be quick and must not call the connection manager.
 */
@FunctionalInterface
public interface DecayFunction {

  /**
   * The value after this step, or empty to remove the tag from the peer.
   *
   * @param value the value before the step
   * @param now the connection manager's clock, for functions that depend on time
   */
  OptionalInt decay(DecayingValue value, Instant now);

  /** Keeps the value as it is: a tag that only bumps change. */
  static DecayFunction none() {
    return (value, now) -> OptionalInt.of(value.value());
  }

  /**
   * Subtracts {@code amount} each step and removes the tag once the value is 0 or less (go's
   * {@code DecayFixed}).
   *
   * @throws IllegalArgumentException if {@code amount} is not positive
   */
  static DecayFunction fixed(int amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("a fixed decay amount must be positive, got " + amount);
    }
    return (value, now) -> {
      // long: subtracting from a value near Integer.MIN_VALUE must not wrap around to a large one.
      long after = (long) value.value() - amount;
      return after <= 0 ? OptionalInt.empty() : OptionalInt.of((int) after);
    };
  }

  /**
   * Multiplies the value by {@code coefficient} each step, rounding down, and removes the tag once
   * it is 0 or less (go's {@code DecayLinear}): 0.5 halves it.
   *
   * @throws IllegalArgumentException if {@code coefficient} is not within [0, 1]
   */
  static DecayFunction linear(double coefficient) {
    if (!(coefficient >= 0 && coefficient <= 1)) {
      throw new IllegalArgumentException("a linear decay coefficient must be within [0, 1], got " + coefficient);
    }
    return (value, now) -> {
      double after = Math.floor(value.value() * coefficient);
      return after <= 0 ? OptionalInt.empty() : OptionalInt.of((int) after);
    };
  }

  /**
   * Keeps the value and removes the tag once the peer has not been bumped for {@code inactivity}.
   * Unlike go's {@code DecayExpireWhenInactive}, the value is not zeroed on the first step, and the
   * time is measured from the last bump (go measures it from the last bump or decay step, with
   * {@code time.Until}, which is negative for a past time, so that go's tag never expires).
   *
   * @throws IllegalArgumentException if {@code inactivity} is not positive
   */
  static DecayFunction expireWhenInactive(Duration inactivity) {
    Objects.requireNonNull(inactivity, "inactivity");
    if (inactivity.isNegative() || inactivity.isZero()) {
      throw new IllegalArgumentException("the inactivity before expiry must be positive, got " + inactivity);
    }
    return (value, now) -> now.isBefore(value.lastBumped().plus(inactivity))
        ? OptionalInt.of(value.value())
        : OptionalInt.empty();
  }
}
