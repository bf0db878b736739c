package io.jlibp2p.core.protocol;

import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.multiformats.DecodingException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.DecoderException;
import java.util.concurrent.CompletableFuture;

/**
 * The asking side of one {@link RequestResponse} stream, after the length-prefix decoder: the first
 * message completes the response and closes the stream; anything else fails it and resets the
 * stream.
 */
final class RequestResponseClient extends ChannelInboundHandlerAdapter {

  private final String protocolId;
  private final CompletableFuture<byte[]> response;

  RequestResponseClient(String protocolId, CompletableFuture<byte[]> response) {
    this.protocolId = protocolId;
    this.response = response;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf message = (ByteBuf) msg;
    try {
      if (response.complete(ByteBufUtil.getBytes(message))) {
        ctx.close();
      }
    } finally {
      message.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownReadComplete && !response.isDone()) {
      // The decoder has passed on every whole message by now: there was none.
      fail(ctx, new DecodingException(
          "the peer ended the " + protocolId + " stream without sending a response"));
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The length-prefix decoder's own exceptions come wrapped by ByteToMessageDecoder; the caller
    // gets the specific one (a response over the limit, a bad prefix).
    fail(ctx, cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    response.completeExceptionally(new DecodingException(
        "the " + protocolId + " stream closed before a whole response arrived"));
    super.channelInactive(ctx);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    response.completeExceptionally(cause);
    ((Stream) ctx.channel()).reset();
  }
}
