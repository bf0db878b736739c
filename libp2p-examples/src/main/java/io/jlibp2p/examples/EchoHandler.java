package io.jlibp2p.examples;

import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamResetException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Writes back everything a stream receives, and ends its writing when the remote ends its own: the
 * ping responder, and an {@code /echo/1.0.0} service for tests and examples. Stateless and
 * sharable.
 *
 * <p>It flushes once per read batch rather than per buffer, and it forwards each buffer it reads
 * (so it releases nothing itself: the write does).
 */
@ChannelHandler.Sharable
public final class EchoHandler extends ChannelInboundHandlerAdapter {

  /** The one instance. */
  public static final EchoHandler INSTANCE = new EchoHandler();

  private EchoHandler() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.write(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  /** A reset or a connection lost ends the echo; that is the remote's choice, not an error here. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof StreamResetException) {
      ctx.close();
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.flush();
      ((Stream) ctx.channel()).closeWrite();
    }
    ctx.fireUserEventTriggered(evt);
  }
}
