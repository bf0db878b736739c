package io.jlibp2p.transport.tcp.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.internal.TcpAddresses;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Hands a socket to the {@link RawConnectionHandler} once it is connected, when both addresses are
 * known, and before the first read; then leaves the pipeline and lets the activation continue to
 * the handlers it installed.
 */
public final class ActivationHandler extends ChannelInboundHandlerAdapter {

  private final Direction direction;
  private final RawConnectionHandler handler;
  private final CompletableFuture<RawConnection> connected;

  public ActivationHandler(
      Direction direction, RawConnectionHandler handler, CompletableFuture<RawConnection> connected) {
    this.direction = direction;
    this.handler = handler;
    this.connected = connected;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (connected.isDone()) {
      // The dial was given up (cancelled or timed out) while the socket connected.
      ctx.close();
      return;
    }
    RawConnection connection =
        new RawConnection(
            ctx.channel(),
            TcpAddresses.toMultiaddr((InetSocketAddress) ctx.channel().localAddress()),
            TcpAddresses.toMultiaddr((InetSocketAddress) ctx.channel().remoteAddress()),
            direction);
    try {
      handler.connected(connection);
    } catch (RuntimeException | Error e) {
      connected.completeExceptionally(e);
      ctx.close();
      if (e instanceof Error error) {
        throw error;
      }
      return;
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
    connected.complete(connection);
  }
}
