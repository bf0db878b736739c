package io.jlibp2p.transport.websocket;

import io.jlibp2p.core.transport.RawConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/** Records what reaches the end of an accepted connection's pipeline: its bytes and its failure. */
final class InboundRecorder extends ChannelInboundHandlerAdapter {

  final CompletableFuture<RawConnection> connection = new CompletableFuture<>();
  final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  void attach(RawConnection raw) {
    raw.channel().pipeline().addLast(this);
    connection.complete(raw);
  }

  synchronized byte[] bytes() {
    return bytes.toByteArray();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buffer = (ByteBuf) msg;
    synchronized (this) {
      byte[] copy = new byte[buffer.readableBytes()];
      buffer.readBytes(copy);
      bytes.writeBytes(copy);
    }
    buffer.release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failure.complete(cause);
  }
}
