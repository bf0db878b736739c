package io.jlibp2p.core.resource;

/**
 * Memory reserved from a {@link ResourceScope} for a buffer whose size changes all the time (a
 * stream's queued reads or writes), in whole chunks, so that the scope is asked once per chunk
 * rather than once per message. Not thread-safe: one buffer's owner, on one event loop, uses it.
 */
public final class ChunkedReservation {

  private final ResourceScope scope;
  private final long chunk;
  private long reserved;

  /** Reserves from {@code scope} in multiples of {@code chunk} bytes. */
  public ChunkedReservation(ResourceScope scope, long chunk) {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be positive: " + chunk);
    }
    this.scope = scope;
    this.chunk = chunk;
  }

  /**
   * Makes sure {@code bytes} are covered, reserving more chunks if needed.
   *
   * @return false if the scope has no room (the refusal is reported as one); what was reserved
   *     before stays
   */
  public boolean cover(long bytes) {
    if (bytes <= reserved) {
      return true;
    }
    long target = roundUp(bytes);
    try {
      scope.reserveMemory(target - reserved);
    } catch (io.jlibp2p.core.LimitExceededException e) {
      return false;
    }
    reserved = target;
    return true;
  }

  /**
   * The buffer shrank to {@code bytes}: keeps one spare chunk beyond what they need and gives back
   * the rest, so that a buffer that fills and empties around a chunk's edge with every message does
   * not ask the scope each time. The scope's close gives back what is left.
   */
  public void shrinkTo(long bytes) {
    long keep = roundUp(Math.max(0, bytes)) + chunk;
    if (reserved - keep >= chunk) {
      scope.releaseMemory(reserved - keep);
      reserved = keep;
    }
  }

  /** What is reserved now. */
  public long reserved() {
    return reserved;
  }

  private long roundUp(long bytes) {
    return (bytes + chunk - 1) / chunk * chunk;
  }
}
