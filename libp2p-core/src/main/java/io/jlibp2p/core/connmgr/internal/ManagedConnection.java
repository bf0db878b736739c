package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.crypto.PeerId;
import java.time.Instant;
import java.util.Optional;

/**
 * A connection as {@link DefaultConnectionManager} sees it: the host adapts its own connections to
 * it, so that the manager depends on no host class. The manager identifies connections by
 * identity, not {@code equals}. Implementations must be thread-safe and must not block.
 */
public interface ManagedConnection {

  /** The remote peer. */
  PeerId peer();

  /** Which side opened it: inbound connections are trimmed before outbound ones of equal worth. */
  Direction direction();

  /** When it was opened, by the manager's clock. */
  Instant openedAt();

  /** How many streams are open on it now. */
  int openStreams();

  /**
   * When its stream count last fell to zero, or when it opened if it never had a stream; empty
   * while it has open streams.
   */
  Optional<Instant> idleSince();

  /**
   * Starts closing it and returns at once; the host calls {@link
   * DefaultConnectionManager#disconnected} once it is closed.
   */
  void close();
}
