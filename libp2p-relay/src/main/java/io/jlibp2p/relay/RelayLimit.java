package io.jlibp2p.relay;

import java.time.Duration;
import java.util.Objects;

/**
 * What a relay lets one circuit carry: for how long, and how many bytes in each direction. Zero
 * in either means no limit of that kind, as on the wire; a relay that sends no limit at all
 * relays without limits, {@link #UNLIMITED}.
 *
 * @param duration how long the circuit may stay open, in whole seconds; {@link Duration#ZERO}
 *     for no limit
 * @param data how many bytes may pass in each direction; 0 for no limit
 */
public record RelayLimit(Duration duration, long data) {

  /** No limit of either kind. */
  public static final RelayLimit UNLIMITED = new RelayLimit(Duration.ZERO, 0);

  /** The longest duration the wire's 32-bit count of seconds holds. */
  private static final long MAX_SECONDS = 0xffff_ffffL;

  /**
   * @throws IllegalArgumentException if {@code duration} is negative, not whole seconds or longer
   *     than 2^32 - 1 seconds, or {@code data} is negative
   */
  public RelayLimit {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.getNano() != 0 || duration.getSeconds() > MAX_SECONDS) {
      throw new IllegalArgumentException("a relay limit's duration is 0 to 2^32 - 1 whole seconds: " + duration);
    }
    if (data < 0) {
      throw new IllegalArgumentException("a relay limit's data is not negative: " + data);
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
