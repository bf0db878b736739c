package io.jlibp2p.yamux.internal;

import io.jlibp2p.core.muxer.FrameBodies;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Splits the connection into {@link YamuxFrame}s. A Data frame's payload is read whole, and may
 * not exceed {@code maxDataLength} (the largest receive window the session grants): anything
 * larger could never be within a window, so it is a protocol error at once.
 *
 * <p>Frames are decoded one per {@link #decode} call, so that each reaches the session before the
 * next is parsed: the session may close the connection over a frame (a SYN of the wrong parity,
 * data beyond the window), and then, as after a protocol error here, the rest of the input is
 * discarded unread, also what is still buffered as the connection closes. Nothing that follows a
 * fatal frame may act on the session, nor be reported as a second protocol error after it has
 * gone away; and a frame cut off by the close is no error.
 *
 * <p>Reference counting: each Data payload ({@link FrameBodies#read}) is owned by the frame's
 * receiver. Bytes still buffered when the channel closes, or discarded, are released with the
 * cumulation by {@link ByteToMessageDecoder}.
 */
final class YamuxFrameDecoder extends ByteToMessageDecoder {

  private final long maxDataLength;
  /** After a protocol error the input is no longer framed: anything more would be misread. */
  private boolean failed;

  YamuxFrameDecoder(long maxDataLength) {
    this.maxDataLength = maxDataLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed || !ctx.channel().isActive()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < YamuxFrame.HEADER_LENGTH) {
      return;
    }
    int start = in.readerIndex();
    int version = in.getUnsignedByte(start);
    int type = in.getUnsignedByte(start + 1);
    int flags = in.getUnsignedShort(start + 2);
    long streamId = in.getUnsignedInt(start + 4);
    long length = in.getUnsignedInt(start + 8);
    if (version != YamuxFrame.VERSION) {
      throw fail("unsupported yamux version " + version);
    }
    if (type > YamuxFrame.TYPE_GO_AWAY) {
      throw fail("unknown yamux frame type " + type);
    }
    ByteBuf data = null;
    if (type == YamuxFrame.TYPE_DATA) {
      if (length > maxDataLength) {
        throw fail("Data frame of " + length + " bytes exceeds any receive window (" + maxDataLength + ")");
      }
      if (in.readableBytes() < YamuxFrame.HEADER_LENGTH + length) {
        return;
      }
      in.skipBytes(YamuxFrame.HEADER_LENGTH);
      data = FrameBodies.read(in, (int) length);
    } else {
      in.skipBytes(YamuxFrame.HEADER_LENGTH);
    }
    out.add(new YamuxFrame(type, flags, streamId, length, data));
  }

  private YamuxProtocolException fail(String message) {
    failed = true;
    return new YamuxProtocolException(message);
  }

  /** A peer broke the protocol; the session answers with GoAway and closes. */
  static final class YamuxProtocolException extends DecoderException {
    YamuxProtocolException(String message) {
      super(message);
    }
  }
}
