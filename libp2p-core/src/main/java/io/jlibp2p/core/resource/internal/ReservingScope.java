package io.jlibp2p.core.resource.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceScope;
import io.jlibp2p.crypto.PeerId;
import java.util.List;
import java.util.Optional;

/**
 * What a connection's and a stream's resources share: memory reserved up a chain of scopes under
 * the manager's lock, a refusal reported to the host after the lock is let go (and not at all for
 * {@link #tryReserveMemory}, whose caller does without), nothing reserved once closed.
 */
abstract class ReservingScope implements ResourceScope {

  final ResourceManager manager;
  /** Guarded by the manager's lock, as everything the subclasses hold. */
  long memory;
  boolean closed;

  ReservingScope(ResourceManager manager) {
    this.manager = manager;
  }

  /** The scopes its memory counts in; called under the manager's lock. */
  abstract List<Scope> memoryChain();

  /** The peer a refusal concerns, when known. */
  abstract Optional<PeerId> peer();

  @Override
  public final void reserveMemory(long bytes) {
    try {
      reserveQuietly(bytes);
    } catch (LimitExceededException e) {
      manager.report(peer(), e);
      throw e;
    }
  }

  @Override
  public final boolean tryReserveMemory(long bytes) {
    try {
      reserveQuietly(bytes);
      return true;
    } catch (LimitExceededException e) {
      return false;
    }
  }

  private void reserveQuietly(long bytes) {
    Charge.requireNonNegative(bytes);
    synchronized (manager) {
      if (closed) {
        throw new LimitExceededException(name(), "it is closed");
      }
      manager.reserve(memoryChain(), Charge.memory(bytes));
      memory += bytes;
    }
  }

  @Override
  public final void releaseMemory(long bytes) {
    Charge.requireNonNegative(bytes);
    synchronized (manager) {
      long released = Math.min(bytes, memory);
      if (released == 0) {
        return;
      }
      memory -= released;
      manager.release(memoryChain(), Charge.memory(released));
    }
  }
}
