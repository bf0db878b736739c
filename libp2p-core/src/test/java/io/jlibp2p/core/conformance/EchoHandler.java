package io.jlibp2p.core.conformance;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Writes back whatever a connection reads, as it reads it; takes no part in a half-close, since the
 * connections it serves end by closing.
 */
final class EchoHandler extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.writeAndFlush(msg);
  }
}
