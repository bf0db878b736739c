package io.jlibp2p.core.identify.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a stream into the {@code uvarint(length) || bytes} messages most libp2p protocols use
 * (identify, and protobuf-based protocols in general), each passed on as one {@link ByteBuf}.
 *
 * <p>A length prefix that is not a minimal uvarint fails with a {@link DecodingException}; one
 * above {@code maxLength} fails with a {@link LimitExceededException} before any of the body is
 * buffered. Either way the decoder stops reading further input.
 */
public final class LengthPrefixedFrameDecoder extends ByteToMessageDecoder {

  private final int maxLength;
  private boolean failed;

  /** Accepts messages of at most {@code maxLength} bytes. */
  public LengthPrefixedFrameDecoder(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must not be negative, got " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /** Writes {@code message} with its length prefix into a new buffer from {@code ctx}'s allocator. */
  public static ByteBuf frame(ChannelHandlerContext ctx, byte[] message) {
    ByteBuf out = ctx.alloc().buffer(UnsignedVarint.encodedLength(message.length) + message.length);
    UnsignedVarint.write(message.length, out);
    return out.writeBytes(message);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    long length;
    try {
      length = UnsignedVarint.readIfComplete(in);
    } catch (DecodingException e) {
      failed = true;
      throw new DecodingException("bad message length prefix: " + e.getMessage(), e);
    }
    if (length == UnsignedVarint.INCOMPLETE) {
      return;
    }
    if (length > maxLength) {
      failed = true;
      throw new LimitExceededException("message of " + length + " bytes exceeds the limit of " + maxLength);
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    out.add(in.readRetainedSlice((int) length));
  }
}
