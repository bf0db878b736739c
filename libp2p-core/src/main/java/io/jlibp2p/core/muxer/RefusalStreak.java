package io.jlibp2p.core.muxer;

/**
 * Counts what a muxer refuses or drops from its remote in a row (stream opens past a limit, frames
 * for streams that do not exist), so that a remote that keeps at it is cut off instead of being
 * answered forever. An honest remote runs into a refusal now and then, or has frames in flight for
 * a stream just reset; it does not send {@code bound} of them with nothing valid in between.
 *
 * <p>Not thread-safe: one session's event loop uses it.
 */
public final class RefusalStreak {

  private final int bound;
  private int streak;

  /** Trips once more than {@code bound} refusals come in a row. */
  public RefusalStreak(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    this.bound = bound;
  }

  /** One more refused; true once the streak has passed the bound: close the connection. */
  public boolean refused() {
    return ++streak > bound;
  }

  /** Something valid came: the streak starts over. */
  public void accepted() {
    streak = 0;
  }

  /** The bound, for messages. */
  public int bound() {
    return bound;
  }
}
