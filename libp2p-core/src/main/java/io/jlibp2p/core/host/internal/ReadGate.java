package io.jlibp2p.core.host.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import java.util.ArrayDeque;

/**
 * Holds a new stream's first bytes until its owner is ready: installed when a stream is handed out
 * with {@code autoRead} off, it keeps what the negotiation passed on (at most one read's worth)
 * and releases it, then leaves, at the first {@code read()}: which is what turning {@code
 * autoRead} back on, or calling {@code read()}, does.
 *
 * <p>Reference counting: held buffers are passed on or released when the stream closes.
 */
final class ReadGate extends ChannelDuplexHandler {

  private final ArrayDeque<Object> held = new ArrayDeque<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Held back with the data.
  }

  /** End of input must not overtake the data held before it. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent || evt instanceof ChannelInputShutdownReadComplete) {
      held.add(new HeldEvent(evt));
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private record HeldEvent(Object event) {}

  @Override
  public void read(ChannelHandlerContext ctx) {
    ArrayDeque<Object> release = new ArrayDeque<>(held);
    held.clear();
    ctx.pipeline().remove(this);
    while (!release.isEmpty()) {
      Object next = release.poll();
      if (next instanceof HeldEvent held) {
        ctx.fireUserEventTriggered(held.event());
      } else {
        ctx.fireChannelRead(next);
      }
    }
    ctx.fireChannelReadComplete();
    ctx.read();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    while (!held.isEmpty()) {
      Object msg = held.poll();
      if (msg instanceof ByteBuf buf) {
        buf.release();
      }
    }
  }
}
