package io.jlibp2p.mplex.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.AbstractStreamChannel;
import io.jlibp2p.core.resource.ChunkedReservation;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One mplex stream: frames writes with the right flags for the side that opened it. mplex has no
 * window, so what it holds unread is reserved from its resource scope as it arrives.
 */
final class MplexStream extends AbstractStreamChannel {

  private static final int READ_RESERVATION_CHUNK = 64 * 1024;

  private final MplexSession session;
  private final long streamId;
  private final ChunkedReservation readReservation;

  MplexStream(Channel parent, Direction direction, long streamId, MplexSession session, StreamScope scope) {
    super(parent, direction, scope);
    this.session = session;
    this.streamId = streamId;
    this.readReservation = new ChunkedReservation(scope, READ_RESERVATION_CHUNK);
  }

  /** Reserves memory for {@code bytes} more to hold unread; false if the stream's scope has no room. */
  boolean reserveForRead(int bytes) {
    return readReservation.cover(queuedBytes() + bytes);
  }

  long streamId() {
    return streamId;
  }

  private boolean weOpenedIt() {
    return direction() == Direction.OUTBOUND;
  }

  /** Resets the stream from this side because a limit was passed; the pipeline sees why. */
  void resetForLimit(String reason) {
    writeResetFrame();
    parent().flush();
    onReset(reason);
  }

  @Override
  protected void writeData(ByteBuf data) {
    session.writeFrame(streamId, weOpenedIt() ? MplexFlag.MESSAGE_INITIATOR : MplexFlag.MESSAGE_RECEIVER, data);
  }

  @Override
  protected void writeCloseFrame() {
    session.writeFrame(streamId, weOpenedIt() ? MplexFlag.CLOSE_INITIATOR : MplexFlag.CLOSE_RECEIVER, null);
  }

  @Override
  protected void writeResetFrame() {
    session.writeFrame(streamId, weOpenedIt() ? MplexFlag.RESET_INITIATOR : MplexFlag.RESET_RECEIVER, null);
  }

  @Override
  public boolean isFlowControlled() {
    return false;
  }

  /** mplex has no flow control: the connection's writability is the only brake. */
  @Override
  protected boolean canWriteData() {
    return parent().isWritable();
  }

  @Override
  protected int maxDataPerWrite() {
    return MplexFrame.MAX_MESSAGE_SIZE;
  }

  @Override
  protected void onBytesRead(int bytes) {
    session.released(bytes);
    readReservation.shrinkTo(queuedBytes());
  }

  @Override
  protected void onBytesDiscarded(long bytes) {
    session.released(bytes);
    readReservation.shrinkTo(queuedBytes());
  }

  @Override
  protected void onStreamClosed(boolean fullyDone) {
    session.streamClosed(this, fullyDone);
  }

  @Override
  public String toString() {
    return "MplexStream(" + (weOpenedIt() ? "out" : "in") + " #" + streamId + ", " + parent() + ")";
  }
}
