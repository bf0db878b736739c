package io.jlibp2p.core.conformance;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.StreamScope;

/**
 * A {@link StreamScope} with a memory limit that counts what a handler reserves and gives back,
 * for tests of a handler's reservations. It behaves as a host's scope: it refuses past its limit
 * and once closed, and its {@link #close()} gives back whatever is left ({@link #memory()} drops
 * to 0). Besides, it counts what the handlers gave back themselves, before or after the close
 * ({@link #outstanding()}), and remembers a release of more than they reserved ({@link
 * #misuse()}) rather than ignoring it. For tests; part of libp2p-core's test-jar.
 */
public final class CountingStreamScope implements StreamScope {

  private final long memoryLimit;
  private long memory;
  private long outstanding;
  private long peak;
  private boolean closed;
  private String misuse;

  /** A scope that refuses any reservation beyond {@code memoryLimit} bytes in all. */
  public CountingStreamScope(long memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  @Override
  public String name() {
    return "stream:test";
  }

  @Override
  public void reserveMemory(long bytes) {
    if (bytes < 0) {
      misuse("reserved " + bytes + " bytes");
    }
    if (closed) {
      throw new LimitExceededException(name(), "it is closed");
    }
    if (memory + bytes > memoryLimit) {
      throw new LimitExceededException(
          name(), "no room for " + bytes + " bytes with " + memory + " of " + memoryLimit + " reserved");
    }
    memory += bytes;
    outstanding += bytes;
    peak = Math.max(peak, memory);
  }

  @Override
  public void releaseMemory(long bytes) {
    if (bytes < 0 || bytes > outstanding) {
      misuse("released " + bytes + " bytes with " + outstanding + " reserved");
    }
    outstanding -= Math.max(0, Math.min(bytes, outstanding));
    memory -= Math.max(0, Math.min(bytes, memory));
  }

  private void misuse(String what) {
    if (misuse == null) {
      misuse = what;
    }
  }

  @Override
  public ScopeUsage usage() {
    return new ScopeUsage(0, 0, 0, 0, memory, 0);
  }

  @Override
  public void setProtocol(String protocol) {}

  @Override
  public void setService(String service) {}

  @Override
  public void close() {
    closed = true;
    memory = 0;
  }

  /** The bytes reserved now: what was reserved and not released, none once closed. */
  public long memory() {
    return memory;
  }

  /**
   * The bytes the handlers reserved and did not release themselves, whether or not the close gave
   * them back since.
   */
  public long outstanding() {
    return outstanding;
  }

  /** The most bytes ever reserved at once. */
  public long peak() {
    return peak;
  }

  /** Whether the stream closed its scope. */
  public boolean isClosed() {
    return closed;
  }

  /** The first negative reservation or excess release, or {@code null} if none happened. */
  public String misuse() {
    return misuse;
  }
}
