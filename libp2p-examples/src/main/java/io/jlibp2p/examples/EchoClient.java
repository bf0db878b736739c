package io.jlibp2p.examples;

import io.jlibp2p.core.muxer.Stream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;

/**
 * One echo stream: writes {@code size} bytes as fast as the stream's writability allows, ends its
 * writing, and checks every byte that comes back against what was sent, without keeping a copy.
 * {@link #done()} completes with the byte count once the remote has echoed all and ended its side.
 */
final class EchoClient extends ChannelInboundHandlerAdapter {

  private static final int CHUNK = 64 * 1024;

  private final long size;
  /** The byte at each offset, as an int in 0..255. */
  private final LongUnaryOperator data;
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  private long sent;
  private long received;
  private boolean writeClosed;

  EchoClient(long size, LongUnaryOperator data) {
    this.size = size;
    this.data = data;
  }

  /** The deterministic test data the js interop peer uses too, so that reordering shows. */
  static int patternByte(long i) {
    return (int) ((i * 31 + 7 + (i >>> 8) * 13 + (i >>> 16) * 101) & 0xff);
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
      ByteBuf chunk = ctx.alloc().buffer(n);
      for (int i = 0; i < n; i++) {
        chunk.writeByte((int) data.applyAsLong(sent + i));
      }
      sent += n;
      ctx.write(chunk);
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
      while (buf.isReadable() && !done.isDone()) {
        int b = buf.readUnsignedByte();
        if (received >= size) {
          fail(ctx, "the peer echoed more than the " + size + " bytes sent");
        } else if (b != data.applyAsLong(received)) {
          fail(ctx, "byte " + received + " came back as " + b + " instead of " + data.applyAsLong(received));
        }
        received++;
      }
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
