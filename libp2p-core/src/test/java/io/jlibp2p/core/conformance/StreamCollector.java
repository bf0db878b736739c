package io.jlibp2p.core.conformance;

import io.jlibp2p.testing.ByteBufs;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Collects what a stream receives until the remote ends its writing, or, made by {@link
 * #firstBytes}, until a number of bytes have come; fails on a reset or an early close. For tests;
 * part of libp2p-core's test-jar.
 */
public final class StreamCollector extends ChannelInboundHandlerAdapter {

  private static final int UNTIL_EOF = -1;

  /** Completes with every byte received, at EOF or once the bytes awaited are in. */
  public final CompletableFuture<byte[]> done = new CompletableFuture<>();

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final int awaited;

  /** Collects until EOF. */
  public StreamCollector() {
    this(UNTIL_EOF);
  }

  private StreamCollector(int awaited) {
    this.awaited = awaited;
  }

  /**
   * Collects until {@code count} bytes have come, without waiting for an EOF: for a connection,
   * which ends by closing, or an echo that is never half-closed.
   */
  public static StreamCollector firstBytes(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("negative count: " + count);
    }
    return new StreamCollector(count);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    bytes.writeBytes(ByteBufs.take(msg));
    if (awaited != UNTIL_EOF && bytes.size() >= awaited) {
      done.complete(bytes.toByteArray());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (awaited == UNTIL_EOF) {
        done.complete(bytes.toByteArray());
      } else {
        done.completeExceptionally(new IllegalStateException("EOF after " + describeReceived()));
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    done.completeExceptionally(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done.completeExceptionally(new IllegalStateException("closed after " + describeReceived()));
  }

  private String describeReceived() {
    return bytes.size() + (awaited == UNTIL_EOF ? " bytes, before EOF" : " of " + awaited + " bytes");
  }
}
