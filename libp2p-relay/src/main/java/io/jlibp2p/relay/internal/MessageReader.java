package io.jlibp2p.relay.internal;

import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.relay.RelayException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads the one relay message a stream's next step waits for, and hands it (or why there is none)
 * to a callback on the stream's event loop, inside the read that brought it. A callback that
 * turns the stream into a circuit calls {@link #handOff} there: the bytes that followed the
 * message then reach the handlers it added, not this reader.
 *
 * @param <T> the parsed message
 */
final class MessageReader<T> extends ChannelInboundHandlerAdapter {

  private static final String DECODER = "relay-message-decoder";
  private static final String READER = "relay-message-reader";

  private final Function<ByteBuf, T> parser;
  private final BiConsumer<T, Throwable> then;
  private final String awaited;
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private boolean done;

  private MessageReader(Function<ByteBuf, T> parser, String awaited, Duration timeout, BiConsumer<T, Throwable> then) {
    this.parser = parser;
    this.awaited = awaited;
    this.timeout = timeout;
    this.then = then;
  }

  /**
   * Adds a reader for one message to the end of {@code channel}'s pipeline. {@code then} gets the
   * message, or a {@link RelayException} (or the parser's {@link
   * io.jlibp2p.multiformats.DecodingException}) if the stream ends, fails or stays silent for
   * {@code timeout} first; exactly once, on the channel's event loop. Call it from that loop.
   *
   * @param awaited names the message in errors, such as "the relay's answer to RESERVE"
   */
  static <T> void readOne(Channel channel, Function<ByteBuf, T> parser, String awaited, Duration timeout,
      BiConsumer<T, Throwable> then) {
    channel.pipeline()
        .addLast(DECODER, new LengthPrefixedFrameDecoder(RelayMessages.MAX_MESSAGE_SIZE))
        .addLast(READER, new MessageReader<>(parser, awaited, timeout, then));
  }

  /**
   * Takes the reader out of {@code channel}'s pipeline, its decoder last, so that bytes it holds
   * past the message go on to the handlers after it. Call it from the callback, after adding them.
   */
  static void handOff(Channel channel) {
    channel.pipeline().remove(READER);
    channel.pipeline().remove(DECODER);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timer = ctx.executor().schedule(
        () -> finish(null, new RelayException("no " + awaited + " within " + timeout.toSeconds() + " s", (Throwable) null)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      // Past the one message, before the callback decided: nobody reads it.
      ReferenceCountUtil.release(msg);
      return;
    }
    T message;
    try {
      message = parser.apply((ByteBuf) msg);
    } catch (RuntimeException e) {
      finish(null, e);
      return;
    } finally {
      ReferenceCountUtil.release(msg);
    }
    finish(message, null);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      finish(null, new RelayException("the stream ended before " + awaited, (Throwable) null));
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    finish(null, new RelayException("the stream closed before " + awaited, (Throwable) null));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    finish(null, cause);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void finish(T message, Throwable failure) {
    if (done) {
      return;
    }
    done = true;
    if (timer != null) {
      timer.cancel(false);
    }
    then.accept(message, failure);
  }
}
