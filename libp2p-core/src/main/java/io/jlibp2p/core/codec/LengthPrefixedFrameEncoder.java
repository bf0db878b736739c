package io.jlibp2p.core.codec;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes each outbound {@link ByteBuf} as one {@code uvarint(length) || bytes} message, the
 * framing {@link LengthPrefixedFrameDecoder} reads: the counterpart to add beside it.
 *
 * <pre>{@code
 * stream.pipeline().addLast(
 *     new LengthPrefixedFrameDecoder(1 << 20), new LengthPrefixedFrameEncoder(1 << 20), handlerFor("/my/1.0.0"));
 * }</pre>
 *
 * <p>The body is not copied: the prefix and the message go out as one composite buffer, in one
 * write with the message's promise. A message longer than {@code maxLength} is not written: it is
 * released and its promise fails with a {@link LimitExceededException} naming both sizes. Other
 * outbound messages (a half-close, for one) pass through unchanged.
 *
 * <p>Stateless, so one instance may serve many pipelines.
 */
@Sharable
public final class LengthPrefixedFrameEncoder extends ChannelOutboundHandlerAdapter {

  private final int maxLength;

  /** Writes messages of at most {@code maxLength} bytes. */
  public LengthPrefixedFrameEncoder(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must not be negative, got " + maxLength);
    }
    this.maxLength = maxLength;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf message)) {
      ctx.write(msg, promise);
      return;
    }
    int length = message.readableBytes();
    if (length > maxLength) {
      message.release();
      // With a void promise, the failure goes to the pipeline's exceptionCaught instead.
      promise.tryFailure(new LimitExceededException(
          "outbound message of " + length + " bytes exceeds the limit of " + maxLength));
      return;
    }
    ByteBuf prefix;
    try {
      prefix = ctx.alloc().buffer(UnsignedVarint.encodedLength(length));
    } catch (Throwable e) {
      message.release(); // out of direct memory, for one: Netty fails the promise with it
      throw e;
    }
    UnsignedVarint.write(length, prefix);
    ctx.write(ctx.alloc().compositeBuffer(2).addComponents(true, prefix, message), promise);
  }
}
