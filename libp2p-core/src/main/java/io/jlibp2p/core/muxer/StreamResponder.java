package io.jlibp2p.core.muxer;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The shape of a handler that answers what the remote of a {@link Stream} sends (an echo, a ping
 * responder): it flushes once per read batch, ends its own writing once the remote has ended its
 * own, after everything written before, and takes a reset as the remote's choice to stop, not as an
 * error. It reads only while its answers can go out ({@link StreamBackpressure}), so a remote that
 * writes without reading stops itself. A subclass implements {@link #channelRead} and owns each
 * message it receives there.
 */
public abstract class StreamResponder extends ChannelInboundHandlerAdapter {

  @Override
  public abstract void channelRead(ChannelHandlerContext ctx, Object msg);

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  /** Reads only while its answers can go out: see {@link StreamBackpressure}. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    StreamBackpressure.follow(ctx.channel());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.flush();
      ((Stream) ctx.channel()).closeWrite();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof StreamResetException) {
      ctx.close();
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }
}
