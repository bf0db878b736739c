package io.jlibp2p.yamux.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.AbstractStreamChannel;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * One yamux stream with its two windows. The send window is what the remote lets us send; the
 * receive window is what we let it send, replenished only with the bytes the application has read
 * ({@link #onBytesRead}), in one WindowUpdate once half a window is owed. The window grows (up to
 * the session's maximum) when updates go out faster than every two round trips, as go does, so a
 * fast reader on a long path is not throttled by the initial 256 KiB. The whole window is reserved
 * from the stream's resource scope: the initial one as the stream opens (the remote may fill it at
 * once), each growth before it is granted; a growth the scope has no room for is skipped.
 */
final class YamuxStream extends AbstractStreamChannel {

  /** Data per frame at most: big enough to amortize headers, small enough to interleave streams. */
  private static final int MAX_DATA_PER_FRAME = 256 * 1024;

  private final YamuxSession session;
  private final long streamId;
  private long sendWindow = YamuxSession.INITIAL_WINDOW;
  private long receiveWindow = YamuxSession.INITIAL_WINDOW;
  private long windowSize = YamuxSession.INITIAL_WINDOW;
  private long owed;
  private long lastUpdateNanos;
  private boolean awaitingAck;

  /** A stream whose {@code scope} has its initial receive window reserved already. */
  YamuxStream(Channel parent, Direction direction, long streamId, YamuxSession session, StreamScope scope) {
    super(parent, direction, scope);
    this.session = session;
    this.streamId = streamId;
  }

  long streamId() {
    return streamId;
  }

  boolean awaitingAck() {
    return awaitingAck;
  }

  void awaitAck(boolean awaiting) {
    this.awaitingAck = awaiting;
  }

  /** The remote granted more send window. */
  void grant(long delta) {
    sendWindow += delta;
    resumeWrites();
  }

  /**
   * Data arrived for this stream.
   *
   * @return false if it exceeds the receive window, a protocol error
   */
  boolean receive(ByteBuf data) {
    int length = data.readableBytes();
    if (length > receiveWindow) {
      data.release();
      return false;
    }
    receiveWindow -= length;
    onData(data);
    return true;
  }

  @Override
  protected void writeData(ByteBuf data) {
    sendWindow -= data.readableBytes();
    session.writeData(streamId, 0, data);
  }

  @Override
  protected void writeCloseFrame() {
    session.writeWindowUpdate(streamId, YamuxFrame.FLAG_FIN, 0);
  }

  @Override
  protected void writeResetFrame() {
    session.writeWindowUpdate(streamId, YamuxFrame.FLAG_RST, 0);
  }

  @Override
  protected boolean canWriteData() {
    return sendWindow > 0 && parent().isWritable();
  }

  @Override
  protected int maxDataPerWrite() {
    return (int) Math.max(1, Math.min(sendWindow, MAX_DATA_PER_FRAME));
  }

  @Override
  protected void onBytesRead(int bytes) {
    owed += bytes;
    if (owed >= windowSize / 2) {
      sendWindowUpdate();
    }
  }

  private void sendWindowUpdate() {
    long now = System.nanoTime();
    long rtt = session.roundTripNanos();
    long growth = 0;
    if (lastUpdateNanos != 0 && rtt > 0 && now - lastUpdateNanos < 2 * rtt && windowSize < session.maxWindow()) {
      long grown = Math.min(windowSize * 2, session.maxWindow());
      // A larger window is buffer the remote may fill: it grows only if the memory is there.
      if (scope().tryReserveMemory(grown - windowSize)) {
        growth = grown - windowSize;
        windowSize = grown;
      }
    }
    long delta = owed + growth;
    owed = 0;
    receiveWindow += delta;
    lastUpdateNanos = now;
    session.writeWindowUpdate(streamId, 0, delta);
    parent().flush();
  }

  /** The current receive window size, for tests of auto-tuning. */
  long windowSize() {
    return windowSize;
  }

  @Override
  protected void onStreamClosed(boolean fullyDone) {
    session.streamClosed(this, fullyDone);
  }

  @Override
  public String toString() {
    return "YamuxStream(" + streamId + ", " + parent() + ")";
  }
}
