package io.jlibp2p.core.conformance;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Collects what a stream receives until the remote ends its writing; fails on a reset or an early
 * close. For tests; part of libp2p-core's test-jar.
 */
public final class StreamCollector extends ChannelInboundHandlerAdapter {

  /** Completes with every byte received, at EOF. */
  public final CompletableFuture<byte[]> done = new CompletableFuture<>();

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    byte[] chunk = new byte[buf.readableBytes()];
    buf.readBytes(chunk);
    buf.release();
    bytes.writeBytes(chunk);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      done.complete(bytes.toByteArray());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    done.completeExceptionally(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done.completeExceptionally(new IllegalStateException("stream closed before EOF"));
  }
}
