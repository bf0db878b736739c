package io.jlibp2p.core.resource;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;

/** Where a muxer gets the {@link StreamScope} of each stream it opens or accepts: one connection's. */
@FunctionalInterface
public interface StreamScopes {

  /** Scopes that limit nothing, for muxer sessions made without a host. */
  StreamScopes UNLIMITED = direction -> StreamScope.UNLIMITED;

  /**
   * Counts a new stream.
   *
   * @throws LimitExceededException if a scope has no room for another stream in {@code direction}:
   *     the muxer refuses the stream (resets it, or fails the open)
   */
  StreamScope open(Direction direction);
}
