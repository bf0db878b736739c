package io.jlibp2p.relay.internal;

import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.muxer.Stream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay's circuit: the bytes of one stream written to the other, both ways, within the
 * circuit's limit. Each direction may carry {@link ConnectionLimit#data()} bytes; the byte past
 * that, or the end of {@link ConnectionLimit#duration()}, resets both streams. A stream's end is
 * passed on as the other's write side closing; a reset, as a reset. Reading from one stream
 * follows the other's writability, so the relay holds no more than one read per direction, and
 * the stream's flow-control credit goes back only as the other side takes the bytes.
 */
final class CircuitSplice {

  private static final Logger log = LoggerFactory.getLogger(CircuitSplice.class);

  private final Stream source;
  private final Stream target;
  private final ConnectionLimit limit;
  private final AtomicBoolean ended = new AtomicBoolean();
  /** Directions whose stream ended cleanly; at two the circuit closes. */
  private final AtomicInteger finishedDirections = new AtomicInteger();
  private final Runnable onEnd;
  /** Set once, as the circuit is joined; read by whichever stream's event loop ends it. */
  private volatile ScheduledFuture<?> deadline;

  private CircuitSplice(Stream source, Stream target, ConnectionLimit limit, Runnable onEnd) {
    this.source = source;
    this.target = target;
    this.limit = limit;
    this.onEnd = onEnd;
  }

  /**
   * Joins {@code source} (the stream of the peer that asked for the circuit) and {@code target}
   * (the stream to the peer it is for): adds a forwarder to the end of each pipeline. {@code onEnd}
   * runs once when the circuit is over, however it ended.
   */
  static CircuitSplice join(Stream source, Stream target, ConnectionLimit limit, Runnable onEnd) {
    CircuitSplice splice = new CircuitSplice(source, target, limit, onEnd);
    source.pipeline().addLast("circuit", splice.new Forwarder(source, target));
    target.pipeline().addLast("circuit", splice.new Forwarder(target, source));
    if (limit.limitsDuration()) {
      splice.deadline = source.eventLoop().schedule(
          () -> splice.reset("its duration limit of " + limit.duration().toSeconds() + " s passed"),
          limit.duration().toNanos(), TimeUnit.NANOSECONDS);
    }
    source.closeFuture().addListener(f -> splice.closed());
    target.closeFuture().addListener(f -> splice.closed());
    return splice;
  }

  private void reset(String why) {
    if (end()) {
      log.debug("circuit {} -> {} reset: {}", source.remotePeer(), target.remotePeer(), why);
      source.reset();
      target.reset();
    }
  }

  /** One stream closed: the circuit is over; a stream still open is reset unless both ended cleanly. */
  private void closed() {
    if (finishedDirections.get() == 2) {
      close();
      return;
    }
    reset("a stream closed");
  }

  /** Both directions ended cleanly: each stream closes once what was written to it is out. */
  private void close() {
    if (end()) {
      source.close();
      target.close();
    }
  }

  private boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    if (deadline != null) {
      deadline.cancel(false);
    }
    onEnd.run();
    return true;
  }

  /** Reads one stream and writes what it reads to the other. */
  private final class Forwarder extends ChannelInboundHandlerAdapter {
    private final Stream from;
    private final Stream to;
    private long forwarded;

    Forwarder(Stream from, Stream to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf bytes) || ended.get()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      int length = bytes.readableBytes();
      if (limit.limitsData() && forwarded + length > limit.data()) {
        // What still fits goes through; the byte past the limit ends the circuit.
        int fits = (int) (limit.data() - forwarded);
        forwarded += fits;
        to.writeAndFlush(bytes.readRetainedSlice(fits));
        bytes.release();
        reset("its data limit of " + limit.data() + " bytes per direction passed");
        return;
      }
      forwarded += length;
      to.write(bytes);
      if (!to.isWritable()) {
        // Off before the flush: a flush that drains at once fires the writability change (and its
        // autoRead on) inside it, which an autoRead off after it would undo for good.
        from.config().setAutoRead(false);
        to.flush();
        if (to.isWritable()) {
          from.config().setAutoRead(true);
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      to.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // This stream drains what the other one reads: the other reads while this one keeps up.
      to.config().setAutoRead(from.isWritable());
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        // Counted before the other side hears of it: its close must find this direction finished.
        boolean bothFinished = finishedDirections.incrementAndGet() == 2;
        to.closeWrite();
        if (bothFinished) {
          close();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      reset("a stream failed: " + cause.getMessage());
    }
  }
}
