package io.jlibp2p.core.muxer;

import io.jlibp2p.core.LimitExceededException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the frames a muxer queues in answer to its peer: pongs, resets of refused streams, a
 * GoAway. Streams write data only while the connection is writable, but answers are owed whatever
 * the connection's state, so a peer that sends and never reads could otherwise make them pile up in
 * Netty's outbound buffer, some 100 bytes of heap each, until the heap runs out. Before each answer
 * the muxer asks {@link #admit}: past the bound, the peer is not reading, and the connection is
 * closed instead.
 *
 * <pre>{@code
 * ReplyBacklog replies = new ReplyBacklog("yamux", 1 << 20); // one per muxer, in a constant
 * ChannelHandlerContext ctx = channel.pipeline().firstContext();
 * if (replies.admit(ctx)) {
 *   ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
 * }
 * }</pre>
 *
 * <p>The bound counts the bytes waiting beyond the connection's write buffer high water mark, so it
 * does not depend on how the water marks are configured. It must leave room for the one data frame
 * a stream may write as the connection crosses the mark (the largest the muxer writes): otherwise a
 * busy but healthy connection would be closed. Immutable and sharable.
 */
public final class ReplyBacklog {

  private static final Logger log = LoggerFactory.getLogger(ReplyBacklog.class);

  private final String muxer;
  private final long maxBytesBeyondHighWaterMark;

  /**
   * A bound of {@code maxBytesBeyondHighWaterMark} bytes waiting beyond the high water mark;
   * {@code muxer} names the muxer in the warning.
   */
  public ReplyBacklog(String muxer, long maxBytesBeyondHighWaterMark) {
    if (maxBytesBeyondHighWaterMark < 0) {
      throw new IllegalArgumentException(
          "maxBytesBeyondHighWaterMark must not be negative: " + maxBytesBeyondHighWaterMark);
    }
    this.muxer = muxer;
    this.maxBytesBeyondHighWaterMark = maxBytesBeyondHighWaterMark;
  }

  /**
   * Whether one more answer may be queued on {@code ctx}'s connection. If the bytes waiting there
   * pass the bound, logs a warning naming the peer, closes the connection from {@code ctx} (so
   * handlers after it that would write a goodbye frame are skipped: the peer would not read it) and
   * returns false. Also false, quietly, once the connection is closed. Call on the event loop.
   */
  public boolean admit(ChannelHandlerContext ctx) {
    Channel connection = ctx.channel();
    if (!connection.isActive()) {
      return false;
    }
    if (connection.isWritable()) {
      return true;
    }
    long pending = pendingBytes(connection);
    int highWaterMark = connection.config().getWriteBufferHighWaterMark();
    if (pending - highWaterMark <= maxBytesBeyondHighWaterMark) {
      return true;
    }
    log.warn(
        "{} peer {} is not reading: {} bytes wait to be sent, more than {} beyond the high water"
            + " mark of {}; closing the connection rather than queue more answers",
        muxer, connection, pending, maxBytesBeyondHighWaterMark, highWaterMark);
    // Down the pipeline first, as an event, where a host's last handler reports it to the event
    // listener; then closed from here, so that no goodbye frame is queued for a peer that does not read.
    ctx.fireUserEventTriggered(new LimitExceededException(muxer + ": the peer does not read its answers: more than "
        + maxBytesBeyondHighWaterMark + " bytes of them wait to be sent"));
    ctx.close();
    return false;
  }

  /** The bytes waiting in {@code connection}'s outbound buffer; only while it is unwritable. */
  private static long pendingBytes(Channel connection) {
    // bytesBeforeWritable() is the pending bytes above the low water mark, plus one.
    return connection.bytesBeforeWritable() + connection.config().getWriteBufferLowWaterMark() - 1;
  }
}
