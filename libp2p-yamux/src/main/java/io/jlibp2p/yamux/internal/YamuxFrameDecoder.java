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
 * <p>Reference counting: each Data payload ({@link FrameBodies#read}) is owned by the frame's
 * receiver.
 */
final class YamuxFrameDecoder extends ByteToMessageDecoder {

  private final long maxDataLength;

  YamuxFrameDecoder(long maxDataLength) {
    this.maxDataLength = maxDataLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= YamuxFrame.HEADER_LENGTH) {
      int start = in.readerIndex();
      int version = in.getUnsignedByte(start);
      int type = in.getUnsignedByte(start + 1);
      int flags = in.getUnsignedShort(start + 2);
      long streamId = in.getUnsignedInt(start + 4);
      long length = in.getUnsignedInt(start + 8);
      if (version != YamuxFrame.VERSION) {
        throw new YamuxProtocolException("unsupported yamux version " + version);
      }
      if (type > YamuxFrame.TYPE_GO_AWAY) {
        throw new YamuxProtocolException("unknown yamux frame type " + type);
      }
      ByteBuf data = null;
      if (type == YamuxFrame.TYPE_DATA) {
        if (length > maxDataLength) {
          throw new YamuxProtocolException(
              "Data frame of " + length + " bytes exceeds any receive window (" + maxDataLength + ")");
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
  }

  /** A peer broke the protocol; the session answers with GoAway and closes. */
  static final class YamuxProtocolException extends DecoderException {
    YamuxProtocolException(String message) {
      super(message);
    }
  }
}
