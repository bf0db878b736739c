package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.connmgr.internal.ManagedConnection;
import io.jlibp2p.crypto.PeerId;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * A host connection as the connection manager sees it. One per connection, since the manager
 * tells connections apart by identity. Idleness is noted as the manager looks: when it first finds
 * the connection without streams, which its periodic tick does every few seconds.
 */
final class ManagedHostConnection implements ManagedConnection {

  private final HostConnection connection;
  private final Clock clock;
  private final Instant openedAt;
  private volatile Instant idleSince;

  ManagedHostConnection(HostConnection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
    this.openedAt = clock.instant();
    this.idleSince = openedAt;
  }

  HostConnection connection() {
    return connection;
  }

  @Override
  public PeerId peer() {
    return connection.remotePeer();
  }

  @Override
  public Direction direction() {
    return connection.direction();
  }

  @Override
  public Instant openedAt() {
    return openedAt;
  }

  @Override
  public int openStreams() {
    return connection.openStreams();
  }

  @Override
  public Optional<Instant> idleSince() {
    if (connection.openStreams() > 0) {
      idleSince = null;
      return Optional.empty();
    }
    Instant since = idleSince;
    if (since == null) {
      since = clock.instant();
      idleSince = since;
    }
    return Optional.of(since);
  }

  @Override
  public void close() {
    connection.closeAsync();
  }

  @Override
  public String toString() {
    return connection.toString();
  }
}
