package io.jlibp2p.core.host;

import java.time.Duration;
import java.util.Objects;

/**
 * What a limited connection may carry: for how long, and how many bytes in each direction. A
 * connection through a circuit relay is limited by what the relay granted ({@link
 * Connection#limit()}); the relay resets it when a limit is passed. Zero in either means no limit
 * of that kind, as on circuit relay v2's wire, where a relay that sends no limit at all relays
 * without limits, {@link #UNLIMITED}.
 *
 * @param duration how long the circuit may stay open, in whole seconds; {@link Duration#ZERO}
 *     for no limit
 * @param data how many bytes may pass in each direction; 0 for no limit
 */
public record ConnectionLimit(Duration duration, long data) {

  /** No limit of either kind. */
  public static final ConnectionLimit UNLIMITED = new ConnectionLimit(Duration.ZERO, 0);

  /** The longest duration the wire's 32-bit count of seconds holds. */
  private static final long MAX_SECONDS = 0xffff_ffffL;

  /**
   * @throws IllegalArgumentException if {@code duration} is negative, not whole seconds or longer
   *     than 2^32 - 1 seconds, or {@code data} is negative
   */
  public ConnectionLimit {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.getNano() != 0 || duration.getSeconds() > MAX_SECONDS) {
      throw new IllegalArgumentException("a connection limit's duration is 0 to 2^32 - 1 whole seconds: " + duration);
    }
    if (data < 0) {
      throw new IllegalArgumentException("a connection limit's data is not negative: " + data);
    }
  }

  /** Whether it limits the duration. */
  public boolean limitsDuration() {
    return !duration.isZero();
  }

  /** Whether it limits the data. */
  public boolean limitsData() {
    return data != 0;
  }
}
