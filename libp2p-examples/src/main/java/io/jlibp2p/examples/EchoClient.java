package io.jlibp2p.examples;

import io.jlibp2p.core.muxer.Stream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.concurrent.CompletableFuture;
import java.util.Arrays;

/**
 * One echo stream: writes {@code size} bytes as fast as the stream's writability allows, ends its
 * writing, and checks every byte that comes back against what was sent, without keeping a copy.
 * {@link #done()} completes with the byte count once the remote has echoed all and ended its side.
 */
final class EchoClient extends ChannelInboundHandlerAdapter {

  private static final int CHUNK = 64 * 1024;

  private final long size;
  private final EchoData data;
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  private long sent;
  private long received;
  private boolean writeClosed;

  EchoClient(long size, EchoData data) {
    this.size = size;
    this.data = data;
  }

  CompletableFuture<Long> done() {
    return done;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    writeMore(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    writeMore(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  private void writeMore(ChannelHandlerContext ctx) {
    while (sent < size && ctx.channel().isWritable()) {
      int n = (int) Math.min(CHUNK, size - sent);
      byte[] chunk = data.chunk(sent, n);
      // Counted before the write: a write can change writability and re-enter this method.
      sent += n;
      ctx.write(Unpooled.wrappedBuffer(chunk));
    }
    ctx.flush();
    if (sent == size && !writeClosed) {
      writeClosed = true;
      ((Stream) ctx.channel()).closeWrite();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      int n = buf.readableBytes();
      if (done.isDone() || n == 0) {
        return;
      }
      if (received + n > size) {
        fail(ctx, "the peer echoed more than the " + size + " bytes sent");
        return;
      }
      byte[] got = new byte[n];
      buf.readBytes(got);
      byte[] expected = data.chunk(received, n);
      int at = Arrays.mismatch(got, expected);
      if (at >= 0) {
        fail(ctx, "byte " + (received + at) + " came back as " + (got[at] & 0xff) + " instead of " + (expected[at] & 0xff));
        return;
      }
      received += n;
    } finally {
      buf.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (received == size) {
        done.complete(received);
        ctx.close();
      } else {
        fail(ctx, "the peer ended the stream after echoing " + received + " of " + size + " bytes");
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause.getMessage());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done.completeExceptionally(new CliException("the echo stream closed after " + received + " of " + size + " bytes"));
  }

  private void fail(ChannelHandlerContext ctx, String why) {
    if (done.completeExceptionally(new CliException(why))) {
      ((Stream) ctx.channel()).reset();
    }
  }
}
