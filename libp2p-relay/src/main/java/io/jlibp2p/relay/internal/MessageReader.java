package io.jlibp2p.relay.internal;

import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.relay.RelayException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one relay message a stream's next step waits for, and hands it (or why there is none)
 * to a callback on the stream's event loop, inside the read that brought it. A callback that
 * turns the stream into a circuit calls {@link #handOff} there: the bytes that followed the
 * message then reach the handlers it added, not this reader.
 *
 * @param <T> the parsed message
 */
final class MessageReader<T> extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(MessageReader.class);

  private static final String DECODER = "relay-message-decoder";
  private static final String READER = "relay-message-reader";

  private final Function<ByteBuf, T> parser;
  private final BiConsumer<T, Throwable> then;
  private final String awaited;
  private final Duration timeout;
  private ScheduledFuture<?> timer;
  private Channel channel;
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
    LengthPrefixedFrameDecoder decoder = new LengthPrefixedFrameDecoder(RelayMessages.MAX_MESSAGE_SIZE);
    // One message per read: what follows it stays in the decoder, for the handlers after it.
    decoder.setSingleDecode(true);
    channel.pipeline()
        .addLast(DECODER, decoder)
        .addLast(READER, new MessageReader<>(parser, awaited, timeout, then));
  }

  /**
   * Takes the reader out of {@code channel}'s pipeline, its decoder last, so that bytes it holds
   * past the message go on to the handlers after it. Call it from the callback, after adding them.
   */
  static void handOff(Channel channel) {
    // Gone already if the channel closed meanwhile, which tears its pipeline down.
    if (channel.pipeline().get(READER) != null) {
      channel.pipeline().remove(READER);
    }
    if (channel.pipeline().get(DECODER) != null) {
      channel.pipeline().remove(DECODER);
    }
  }

  /**
   * What a failure handed to a callback was, under Netty's {@link DecoderException}: the
   * decoder's {@link io.jlibp2p.multiformats.DecodingException} or {@link
   * io.jlibp2p.core.LimitExceededException}.
   */
  static Throwable cause(Throwable failure) {
    return failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** Whether a failure means the other side sent something that is no message of the protocol. */
  static boolean malformed(Throwable failure) {
    Throwable cause = cause(failure);
    return cause instanceof io.jlibp2p.multiformats.DecodingException || cause instanceof io.jlibp2p.core.LimitExceededException;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
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
    try {
      then.accept(message, failure);
    } catch (RuntimeException e) {
      // Nobody else would hear of it (the reader is done): the stream must not hang.
      log.warn("handling {} failed; resetting the stream", awaited, e);
      if (channel instanceof Stream stream) {
        stream.reset();
      } else {
        channel.close();
      }
    }
  }
}
