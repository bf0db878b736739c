package io.jlibp2p.core.resource;

import io.jlibp2p.core.LimitExceededException;

/**
 * A part of the host's resources that memory is reserved from before it is used: a connection, a
 * stream. A reservation counts against the scope and every scope above it (the peer, the protocol,
 * the system...) and is refused when one of them would pass its {@link ScopeLimit}. What is
 * reserved must be released; closing the connection or stream releases whatever is left.
 *
 * <p>Thread-safe, and cheap enough for every buffer that grows, though not for every byte: reserve
 * in chunks.
 */
public interface ResourceScope {

  /** The scope's name, as {@link LimitExceededException#scope()} reports it. */
  String name();

  /**
   * Reserves {@code bytes} of memory.
   *
   * @throws LimitExceededException naming the scope and the limit, if a scope would pass its memory
   *     limit; nothing is reserved then
   */
  void reserveMemory(long bytes);

  /** Like {@link #reserveMemory}, but answers instead of throwing: for memory that is nice to have. */
  default boolean tryReserveMemory(long bytes) {
    try {
      reserveMemory(bytes);
      return true;
    } catch (LimitExceededException e) {
      return false;
    }
  }

  /** Gives back {@code bytes} reserved before. */
  void releaseMemory(long bytes);

  /** What this scope holds now. */
  ScopeUsage usage();
}
