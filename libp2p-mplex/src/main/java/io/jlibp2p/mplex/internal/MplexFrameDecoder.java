package io.jlibp2p.mplex.internal;

import io.jlibp2p.core.muxer.FrameBodies;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * Splits the connection into {@link MplexFrame}s (mplex spec, "Message format"). A frame is passed
 * on once all of it has arrived; its body is read whole.
 *
 * <p>Both varints follow the multiformats rules of {@link UnsignedVarint} (at most 9 bytes,
 * minimally encoded). A varint that breaks them, or a length over {@link
 * MplexFrame#MAX_MESSAGE_SIZE}, is an {@link MplexProtocolException}, thrown as soon as the header
 * shows it rather than after the body. Every flag the three bits hold is passed on, the undefined
 * 7 included: what a flag means, and whether to skip it, is the session's decision.
 *
 * <p>Frames are decoded one per {@link #decode} call, so that each reaches the session before the
 * next is parsed: the session may close the connection over a frame, and then, as after a protocol
 * error here, the rest of the input is discarded unread. Nothing that follows a fatal frame may act
 * on the session, and a frame cut off by the close is no error.
 *
 * <p>Reference counting: each frame's body ({@link FrameBodies#read}) is owned by the frame's
 * receiver. Bytes still buffered when the channel closes, or discarded, are released with the
 * cumulation by {@link ByteToMessageDecoder}.
 */
final class MplexFrameDecoder extends ByteToMessageDecoder {

  /** After a protocol error the input is no longer framed: anything more would be misread. */
  private boolean failed;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed || !ctx.channel().isActive()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    long header;
    long length;
    try {
      header = UnsignedVarint.readIfComplete(in);
      length = header == UnsignedVarint.INCOMPLETE ? UnsignedVarint.INCOMPLETE : UnsignedVarint.readIfComplete(in);
    } catch (DecodingException e) {
      throw fail("malformed frame header: " + e.getMessage(), e);
    }
    if (length == UnsignedVarint.INCOMPLETE) {
      in.readerIndex(start);
      return;
    }
    if (length > MplexFrame.MAX_MESSAGE_SIZE) {
      throw fail("frame of " + length + " bytes exceeds the " + MplexFrame.MAX_MESSAGE_SIZE + "-byte maximum", null);
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    ByteBuf body = FrameBodies.read(in, (int) length);
    out.add(new MplexFrame(header >>> MplexFrame.FLAG_BITS, (int) (header & MplexFrame.FLAG_MASK), body));
  }

  private MplexProtocolException fail(String message, Throwable cause) {
    failed = true;
    return new MplexProtocolException(message, cause);
  }

  /** A peer sent bytes that are not mplex frames; the session closes the connection. */
  static final class MplexProtocolException extends DecoderException {
    MplexProtocolException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
