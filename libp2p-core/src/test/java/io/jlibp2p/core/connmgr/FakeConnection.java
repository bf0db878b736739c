package io.jlibp2p.core.connmgr;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.connmgr.internal.ManagedConnection;
import io.jlibp2p.crypto.PeerId;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A connection of a {@link FakeHost}: streams and idleness set by the test, closes counted. */
final class FakeConnection implements ManagedConnection {
  private final PeerId peer;
  private final Direction direction;
  private final Instant openedAt;
  private final Consumer<FakeConnection> onClose;
  private volatile int openStreams;
  private volatile Instant idleSince;
  final AtomicInteger closeCalls = new AtomicInteger();

  FakeConnection(PeerId peer, Direction direction, Instant openedAt, Consumer<FakeConnection> onClose) {
    this.peer = peer;
    this.direction = direction;
    this.openedAt = openedAt;
    this.onClose = onClose;
    this.idleSince = openedAt;
  }

  /** Sets the stream count; the connection is idle from {@code at} when it falls to zero. */
  FakeConnection streams(int count, Instant at) {
    if (count == 0 && openStreams > 0) {
      idleSince = at;
    } else if (count > 0) {
      idleSince = null;
    }
    openStreams = count;
    return this;
  }

  boolean closed() {
    return closeCalls.get() > 0;
  }

  @Override
  public PeerId peer() {
    return peer;
  }

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public Instant openedAt() {
    return openedAt;
  }

  @Override
  public int openStreams() {
    return openStreams;
  }

  @Override
  public Optional<Instant> idleSince() {
    return Optional.ofNullable(idleSince);
  }

  @Override
  public void close() {
    closeCalls.incrementAndGet();
    onClose.accept(this);
  }

  @Override
  public String toString() {
    return "FakeConnection{" + peer + ", " + direction + "}";
  }
}
