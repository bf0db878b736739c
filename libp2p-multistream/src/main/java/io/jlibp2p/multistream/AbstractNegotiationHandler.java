package io.jlibp2p.multistream;

import io.jlibp2p.multistream.internal.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the dialer and the listener share: message framing, the timeout, the bounds on what the
 * peer may make this side do, the result future, and leaving the pipeline.
 *
 * <p>Built on {@link ByteToMessageDecoder} because of what it does on removal: bytes it has
 * accumulated but not consumed are passed to the next handler. Bytes that follow the negotiation in
 * the same read are therefore never lost.
 *
 * <p>Reference counting: inbound buffers are owned by the decoder's cumulation and released by it;
 * every buffer this class writes is handed to the channel, which releases it.
 */
abstract class AbstractNegotiationHandler extends ByteToMessageDecoder {

  /**
   * How far past the channel's high water mark answers may pile up before the peer counts as not
   * reading them. Once the channel is unwritable a listener that reads on keeps answering, and
   * each answer holds about 100 bytes of heap until the peer reads it; 64 KiB is some 600 of
   * them, far more than a negotiation sends, and small enough that many such peers at once cost
   * little.
   */
  static final int MAX_UNREAD_BEYOND_HIGH_WATER_MARK = 64 * 1024;

  private final Duration timeout;
  private final int maxMessages;
  private final CompletableFuture<String> selected = new CompletableFuture<>();
  /** Completes when the peer has agreed; later than {@link #selected} for an optimistic dialer. */
  final CompletableFuture<String> confirmed = new CompletableFuture<>();
  private ScheduledFuture<?> timeoutTask;
  private boolean started;
  private boolean headerReceived;
  private boolean finished;
  private int messagesReceived;

  AbstractNegotiationHandler(Duration timeout, int maxMessages) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.maxMessages = maxMessages;
  }

  /**
   * Completes with the selected protocol ID, or exceptionally with a {@link NegotiationException}.
   */
  public final CompletableFuture<String> selectedProtocol() {
    return selected;
  }

  /** Starts the negotiation: sends this side's opening messages. */
  abstract void start(ChannelHandlerContext ctx);

  /** Handles one complete message from the peer that came after its header. */
  abstract void onMessage(ChannelHandlerContext ctx, String message);

  /** The protocols proposed or offered so far, for error messages. */
  abstract List<String> tried();

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      begin(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    begin(ctx);
    super.channelActive(ctx);
  }

  private void begin(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    timeoutTask =
        ctx.executor()
            .schedule(
                () -> fail(ctx, new NegotiationTimeoutException(timeout, tried())),
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    start(ctx);
  }

  @Override
  protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!finished && !ctx.isRemoved()) {
      String message;
      try {
        message = MessageCodec.readMessage(in);
      } catch (MessageCodec.MalformedInput e) {
        fail(ctx, new MalformedMessageException(e.getMessage(), tried()));
        break;
      }
      if (message == null) {
        return;
      }
      if (++messagesReceived > maxMessages) {
        fail(ctx, new TooManyMessagesException(maxMessages, tried()));
        break;
      }
      if (headerReceived) {
        onMessage(ctx, message);
      } else if (message.equals(Multistream.PROTOCOL_ID)) {
        headerReceived = true;
      } else {
        fail(ctx, new MalformedMessageException(
            "expected the " + Multistream.PROTOCOL_ID + " header, got \""
                + MessageCodec.printable(message) + "\"", tried()));
      }
    }
    if (finished && !ctx.isRemoved()) {
      // Failed: nothing the peer sends matters any more.
      in.skipBytes(in.readableBytes());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (selected.isDone()) {
      // An optimistic dialer whose protocol closed the channel: nothing failed, but the
      // echo will never come.
      finished = true;
      cancelTimeout();
      confirmed.completeExceptionally(new NegotiationException(
          "channel closed before the peer confirmed " + tried(), tried()));
    } else {
      fail(ctx, new NegotiationException(
          "channel closed before multistream-select finished"
              + (tried().isEmpty() ? "" : "; proposed: " + tried()),
          tried()));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Once the protocol owns the channel (an optimistic dialer awaiting its echo), its handlers
    // get the failure as it is.
    if (finished || selected.isDone()) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    NegotiationException failure =
        new NegotiationException("channel failed during multistream-select: " + cause, tried());
    failure.initCause(cause);
    fail(ctx, failure);
  }

  /** The remote ended its side before the negotiation did: it can never finish. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent && !finished) {
      fail(ctx, new NegotiationException(
          "the remote ended its side before multistream-select finished"
              + (tried().isEmpty() ? "" : "; proposed: " + tried()),
          tried()));
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /**
   * Fails the negotiation if the peer has stopped reading what this side sends: the channel is
   * unwritable and more than {@link #MAX_UNREAD_BEYOND_HIGH_WATER_MARK} bytes past its high water
   * mark wait to go out. Called before each answer, so answers to a peer that sends but never
   * reads stop piling up on the heap.
   *
   * @return whether the negotiation failed
   */
  final boolean failIfPeerNotReading(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (!channel.isActive() || channel.isWritable()) {
      return false;
    }
    // bytesBeforeWritable() counts the pending bytes above the low water mark, plus one.
    int lowWaterMark = channel.config().getWriteBufferLowWaterMark();
    int highWaterMark = channel.config().getWriteBufferHighWaterMark();
    long pending = channel.bytesBeforeWritable() + lowWaterMark - 1;
    if (pending <= (long) highWaterMark + MAX_UNREAD_BEYOND_HIGH_WATER_MARK) {
      return false;
    }
    fail(ctx, new PeerNotReadingException(pending, highWaterMark, tried()));
    return true;
  }

  /** Whether the negotiation is over, successfully or not. */
  final boolean isFinished() {
    return finished;
  }

  /** Settles on {@code protocol}: installs the next handlers and completes the future. */
  final void select(ChannelHandlerContext ctx, String protocol, ProtocolSelectedCallback callback) {
    callback.protocolSelected(ctx, protocol);
    selected.complete(protocol);
  }

  /** Ends the negotiation successfully and leaves the pipeline, passing on any further bytes. */
  final void finish(ChannelHandlerContext ctx) {
    finished = true;
    cancelTimeout();
    confirmed.complete(selected.getNow(null));
    ctx.pipeline().remove(this);
  }

  /**
   * Ends the negotiation with {@code failure} and closes the channel. Once the protocol was
   * already reported as selected (an optimistic dialer), the failure goes down the pipeline
   * instead, to the protocol's handlers.
   */
  final void fail(ChannelHandlerContext ctx, NegotiationException failure) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    confirmed.completeExceptionally(failure);
    if (!selected.completeExceptionally(failure)) {
      ctx.fireExceptionCaught(failure);
    }
    ctx.close();
  }

  /**
   * Stops the timeout. An optimistic dialer calls it as it hands the stream to its protocol: from
   * then on the protocol's own deadlines apply, whether or not it reads.
   */
  final void cancelTimeout() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
    }
  }
}
