package io.jlibp2p.transport.websocket.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds what an accepted connection writes until the client has sent its first bytes, or a short
 * while has passed, then leaves the pipeline.
 *
 * <p>Why: a libp2p listener speaks first (multistream-select's header goes out at once), so its
 * first frame may reach the client in the same read as the 101 response. Node's {@code ws}, under
 * js-libp2p, then emits that frame before js-libp2p, which waits for the socket's {@code open}
 * event, has a listener for it, and the frame is lost: js reads {@code /noise} where it expected
 * the header and gives up on the dial (half of all dials on loopback). A client speaks once it is
 * listening, so nothing it can miss is sent before that. Every libp2p dialer speaks first; one that
 * waits for the listener is served after {@link #MAX_HOLD} anyway.
 *
 * <p>What it holds is bounded: past {@link #MAX_HELD_BYTES} it lets everything go at once.
 */
final class QuietUntilSpokenTo extends ChannelDuplexHandler {

  /** The longest the listener's first words wait for a client that says nothing. */
  static final Duration MAX_HOLD = Duration.ofMillis(500);
  /** The most bytes held; a multistream-select header and answer are some 30. */
  static final int MAX_HELD_BYTES = 64 * 1024;

  private final Queue<Held> held = new ArrayDeque<>();
  private long heldBytes;
  private boolean flushRequested;
  private boolean released;
  private ScheduledFuture<?> deadline;

  private record Held(Object message, ChannelPromise promise) {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> release(ctx), MAX_HOLD.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (released) {
      ctx.write(msg, promise);
      return;
    }
    held.add(new Held(msg, promise));
    heldBytes += msg instanceof ByteBuf bytes ? bytes.readableBytes() : 0;
    if (heldBytes > MAX_HELD_BYTES) {
      release(ctx);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (released) {
      ctx.flush();
    } else {
      flushRequested = true;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    release(ctx);
    ctx.fireChannelRead(msg);
  }

  /** A graceful close delivers what was written before it. */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    release(ctx);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    // Only when the channel went away before anything was let go: fail what is left.
    Held next;
    while ((next = held.poll()) != null) {
      ReferenceCountUtil.release(next.message());
      next.promise().tryFailure(new ClosedChannelException());
    }
  }

  private void release(ChannelHandlerContext ctx) {
    if (released) {
      return;
    }
    released = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
    Held next;
    while ((next = held.poll()) != null) {
      ctx.write(next.message(), next.promise());
    }
    if (flushRequested) {
      ctx.flush();
    }
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }
}
