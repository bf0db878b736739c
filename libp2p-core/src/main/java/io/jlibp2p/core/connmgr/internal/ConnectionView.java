package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.crypto.PeerId;
import java.time.Instant;
import java.util.Optional;

/**
 * A connection's state read once, before the manager takes its lock: the host's getters are never
 * called under it, so that a host lock they need cannot deadlock with a callback into the manager.
 */
record ConnectionView(
    ManagedConnection connection, PeerId peer, Direction direction, int openStreams, Optional<Instant> idleSince) {

  static ConnectionView of(ManagedConnection connection) {
    return new ConnectionView(
        connection, connection.peer(), connection.direction(), connection.openStreams(), connection.idleSince());
  }
}
