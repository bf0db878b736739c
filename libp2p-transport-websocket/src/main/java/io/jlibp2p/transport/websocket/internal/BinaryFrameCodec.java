package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.transport.websocket.WebSocketException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseCombiner;

/**
 * Turns the connection into a byte stream, as libp2p sees a WebSocket: the content of each binary
 * and continuation frame goes on as a {@link ByteBuf}, and each buffer written goes out as binary
 * frames. Ping, pong and close frames never get here (Netty's protocol handler answers them).
 *
 * <p>Fragments are passed on as they arrive, never gathered, so a fragmented message costs no
 * memory; its total is still bounded, because a peer that never ends a message is broken. A text
 * frame is refused: libp2p carries bytes, and a text frame means the other side is no libp2p peer.
 *
 * <p>A written buffer is cut into frames of at most {@link #MAX_WRITTEN_FRAME} bytes: every
 * implementation takes that size (Netty's own default limit is 64 KiB), and the framing costs
 * about 0.01% of it.
 */
public final class BinaryFrameCodec extends ChannelDuplexHandler {

  /** The name of the handler {@link #decodeLeftover} feeds the frame decoder through, for a moment. */
  private static final String LEFTOVER_ENTRY = "websocket-leftover";

  /** The largest frame this side writes: 64 KiB. */
  static final int MAX_WRITTEN_FRAME = 64 * 1024;

  private final long maxMessageSize;
  /** Bytes so far of the message being received. */
  private long messageSize;
  private boolean failed;

  /** @param maxMessageSize the most bytes one message, all its fragments together, may carry */
  public BinaryFrameCodec(long maxMessageSize) {
    this.maxMessageSize = maxMessageSize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf undecoded) {
      decodeLeftover(ctx, undecoded);
      return;
    }
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (failed) {
      frame.release();
      return;
    }
    if (!(frame instanceof BinaryWebSocketFrame) && !(frame instanceof ContinuationWebSocketFrame)) {
      String type = frame.getClass().getSimpleName().replace("WebSocketFrame", "").toLowerCase();
      frame.release();
      refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, new WebSocketException("the peer sent a " + type
          + " frame: libp2p over WebSocket carries binary frames only (is the other side a libp2p peer?)"));
      return;
    }
    messageSize = (frame instanceof BinaryWebSocketFrame ? 0 : messageSize) + frame.content().readableBytes();
    if (messageSize > maxMessageSize) {
      frame.release();
      refuse(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, new WebSocketException("the peer sent a WebSocket message of"
          + " more than " + maxMessageSize + " bytes, the limit (maxMessageSize)"));
      return;
    }
    ByteBuf content = frame.content();
    if (content.isReadable()) {
      ctx.fireChannelRead(content);
    } else {
      content.release();
    }
  }

  /**
   * Bytes that reach this handler undecoded came in the same read as the upgrade request, right
   * after it, from a client that did not wait for the 101 response: when the handshake removes
   * Netty's HTTP server codec, the codec hands what it still holds on as it is, past the frame
   * decoder the handshake put in front of it. They are frames, so they go back through that
   * decoder, before anything read later.
   */
  private void decodeLeftover(ChannelHandlerContext ctx, ByteBuf undecoded) {
    ChannelHandlerContext decoder = ctx.pipeline().context(WebSocketFrameDecoder.class);
    if (decoder == null || failed) {
      undecoded.release();
      if (!failed) {
        refuse(ctx, WebSocketCloseStatus.INTERNAL_SERVER_ERROR,
            new WebSocketException("bytes arrived before the WebSocket frame decoder was in place"));
      }
      return;
    }
    ChannelHandlerContext entry = ctx.pipeline().addBefore(decoder.name(), LEFTOVER_ENTRY, new ChannelInboundHandlerAdapter())
        .context(LEFTOVER_ENTRY);
    try {
      entry.fireChannelRead(undecoded);
    } finally {
      // A violation in those frames closes the channel, which may have emptied the pipeline.
      if (ctx.pipeline().context(LEFTOVER_ENTRY) != null) {
        ctx.pipeline().remove(LEFTOVER_ENTRY);
      }
    }
  }

  /**
   * Tells the peer why with a close frame, closes the connection once it is written, and reports
   * the failure to the handlers after this one.
   */
  private void refuse(ChannelHandlerContext ctx, WebSocketCloseStatus status, WebSocketException failure) {
    failed = true;
    ctx.writeAndFlush(new CloseWebSocketFrame(status, truncated(failure.getMessage())))
        .addListener(ChannelFutureListener.CLOSE);
    ctx.fireExceptionCaught(failure);
  }

  /** A close frame's reason is at most 123 bytes (125 less the status code). */
  private static String truncated(String reason) {
    return reason.length() <= 120 ? reason : reason.substring(0, 117) + "...";
  }

  /**
   * Netty's decoder has already answered a broken frame with a close frame; this says which rule
   * or limit it broke, in the transport's terms.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      failed = true;
      ctx.fireExceptionCaught(new WebSocketException("the peer sent a frame the WebSocket protocol or this transport's"
          + " limits refuse (maxFrameSize for a frame too large): " + corrupted.getMessage(), corrupted));
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buffer) || !buffer.isReadable()) {
      // An empty buffer (a flush marker) and anything already a frame pass through untouched.
      ctx.write(msg, promise);
      return;
    }
    if (buffer.readableBytes() <= MAX_WRITTEN_FRAME) {
      ctx.write(new BinaryWebSocketFrame(buffer), promise);
      return;
    }
    PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
    try {
      while (buffer.isReadable()) {
        combiner.add(ctx.write(new BinaryWebSocketFrame(
            buffer.readRetainedSlice(Math.min(MAX_WRITTEN_FRAME, buffer.readableBytes())))));
      }
    } finally {
      ReferenceCountUtil.release(buffer);
    }
    combiner.finish(promise);
  }
}
