package io.jlibp2p.core.identify.internal;

import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Receives an identify (an answer, or a push): reads length-prefixed messages until the remote
 * ends its side, merges them, and completes {@link #result()}. Then it closes the stream.
 *
 * <p>Bounds: {@link Identify#MAX_MESSAGES} messages of at most {@link
 * Identify#MAX_RECEIVED_MESSAGE_SIZE} bytes each, within {@link Identify#TIMEOUT}; beyond any of
 * them, or when the remote ends its side inside a message, the stream is reset and the result
 * fails with an {@link IdentifyException}.
 */
public final class IdentifyReader extends ChannelInboundHandlerAdapter {

  private final CompletableFuture<IdentifyInfo> result = new CompletableFuture<>();
  private final ByteArrayOutputStream merged = new ByteArrayOutputStream();
  private int messages;
  private ScheduledFuture<?> timeout;

  /** Adds a reader, behind its frame decoder, to the end of {@code stream}'s pipeline. */
  public static IdentifyReader install(Stream stream) {
    IdentifyReader reader = new IdentifyReader();
    stream.pipeline().addLast("identify-frames", new LengthPrefixedFrameDecoder(Identify.MAX_RECEIVED_MESSAGE_SIZE));
    stream.pipeline().addLast("identify-reader", reader);
    return reader;
  }

  /** What the remote said, merged. */
  public CompletableFuture<IdentifyInfo> result() {
    return result;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout = ctx.executor().schedule(
        () -> fail(ctx, new IdentifyException("identify: " + peer(ctx) + " sent no complete answer within "
            + Identify.TIMEOUT.toSeconds() + " s")),
        Identify.TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf message = (ByteBuf) msg;
    try {
      if (result.isDone()) {
        return;
      }
      if (++messages > Identify.MAX_MESSAGES) {
        fail(ctx, new IdentifyException("identify: " + peer(ctx) + " sent more than " + Identify.MAX_MESSAGES + " messages"));
        return;
      }
      message.readBytes(merged, message.readableBytes());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a ByteArrayOutputStream does not fail", e);
    } finally {
      message.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent && !result.isDone()) {
      try {
        IdentifyInfo info = IdentifyCodec.decode(merged.toByteArray());
        cancelTimeout();
        result.complete(info);
        ctx.close();
      } catch (IdentifyException e) {
        fail(ctx, new IdentifyException("identify: " + peer(ctx) + ": " + e.getMessage(), e));
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (result.isDone()) {
      return;
    }
    Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    fail(ctx, new IdentifyException("identify: " + peer(ctx) + ": " + reason.getMessage(), reason));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Every identify stream closes, most after a complete answer: build the failure (its peer ID
    // text, its stack trace) only when there is one to report.
    if (!result.isDone()) {
      fail(ctx, new IdentifyException("identify: the stream from " + peer(ctx) + " closed before the answer ended"));
    }
    ctx.fireChannelInactive();
  }

  private void fail(ChannelHandlerContext ctx, IdentifyException error) {
    cancelTimeout();
    if (result.completeExceptionally(error)) {
      ((Stream) ctx.channel()).reset();
    }
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private static PeerId peer(ChannelHandlerContext ctx) {
    return ((Stream) ctx.channel()).remotePeer();
  }
}
