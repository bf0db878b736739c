package io.jlibp2p.multistream;

import io.jlibp2p.multistream.internal.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The initiator's side of multistream-select 1.0: proposes protocols in order, and the first one
 * the listener accepts wins.
 *
 * <pre>{@code
 * MultistreamDialerHandler dialer =
 *     MultistreamDialerHandler.builder("/noise", "/secio/1.0.0")
 *         .onSelected((ctx, protocol) -> ctx.pipeline().addAfter(ctx.name(), null, handlerFor(protocol)))
 *         .build();
 * channel.pipeline().addLast(dialer);
 * dialer.selectedProtocol().thenAccept(protocol -> ...);
 * }</pre>
 *
 * <p><b>Lazy mode</b> (the default with exactly one protocol, as in go and rust): the header and
 * the proposal are written without waiting, the protocol is reported as selected at once, and the
 * first application bytes go out in the same flush, saving a round trip. The handler stays in the
 * pipeline until the listener's echo arrives, consuming it; a late {@code na} fails the channel:
 * the protocol's handlers see a {@link NegotiationException} in {@code exceptionCaught} and the
 * channel closes. The negotiation timeout ends at the optimistic selection: from then on the
 * protocol's own deadlines apply.
 *
 * <p>In lazy mode, an outbound message that is not bytes (a stream's half-close) waits for the
 * listener's echo by default, and so does everything written after it; bytes before it go out at
 * once. A request written and half-closed in one go therefore costs one round trip more than the
 * bare optimistic exchange. The reason is interop: js-libp2p 3.x resets a stream whose proposal,
 * data and end all arrive before its multistream handler finishes (it cannot hand the buffered
 * data back to a stream that has already ended). Held messages count as pending outbound bytes,
 * so they weigh on the channel's writability, and they fail if the channel closes first. {@link
 * Builder#holdEndUntilConfirmed(boolean) holdEndUntilConfirmed(false)} sends them at once, for a
 * listener known to accept a stream's end before its confirmation (jlibp2p's does).
 *
 * <p>Without lazy mode, the header and first proposal still go out in one packet, and each {@code
 * na} is answered with the next proposal. If every proposal is rejected, {@link
 * #selectedProtocol()} fails with a {@link NegotiationException} listing them.
 *
 * <p>Not sharable: one instance negotiates one channel.
 */
public final class MultistreamDialerHandler extends AbstractNegotiationHandler
    implements ChannelOutboundHandler {

  private final List<String> protocols;
  private final boolean lazy;
  private final boolean holdEnd;
  private final ProtocolSelectedCallback callback;
  private final List<String> proposed = new ArrayList<>();
  /** In lazy mode, the writes held back until the listener's echo; created on the first one. */
  private PendingWriteQueue heldUntilConfirmed;

  private MultistreamDialerHandler(Builder builder) {
    // The listener answers each proposal once, after its header: a dialer always lets it.
    super(builder.timeout, Math.max(builder.maxMessages, builder.protocols.size() + 1));
    this.protocols = List.copyOf(builder.protocols);
    this.lazy = builder.lazy != null ? builder.lazy : protocols.size() == 1;
    if (lazy && protocols.size() != 1) {
      throw new IllegalArgumentException(
          "lazy negotiation needs exactly one protocol, got " + protocols);
    }
    this.holdEnd = lazy && builder.holdEnd;
    this.callback = builder.callback;
  }

  /** Starts a builder proposing {@code protocols} in order of preference. */
  public static Builder builder(String... protocols) {
    return builder(List.of(protocols));
  }

  /** Starts a builder proposing {@code protocols} in order of preference. */
  public static Builder builder(List<String> protocols) {
    return new Builder(protocols);
  }

  /**
   * Completes when the listener has echoed the selected protocol, or exceptionally with a {@link
   * NegotiationException} if the negotiation fails. Without lazy mode it completes with {@link
   * #selectedProtocol()}; in lazy mode it is the only place a late refusal shows, besides the
   * protocol's {@code exceptionCaught}, and it completes before the channel closes.
   */
  public CompletableFuture<String> confirmedProtocol() {
    return confirmed;
  }

  /** Whether this dialer negotiates optimistically. */
  public boolean isLazy() {
    return lazy;
  }

  /** Whether this dialer, being lazy, holds a half-close until the listener's echo. */
  public boolean holdsEndUntilConfirmed() {
    return holdEnd;
  }

  @Override
  void start(ChannelHandlerContext ctx) {
    String first = protocols.get(0);
    proposed.add(first);
    ByteBuf opening = MessageCodec.encode(ctx.alloc(), Multistream.PROTOCOL_ID, first);
    if (!lazy) {
      ctx.writeAndFlush(opening);
      return;
    }
    ctx.write(opening);
    select(ctx, first, callback);
    cancelTimeout();
    // Writes the protocol's handlers make in this event-loop turn join this flush; if they make
    // none, the proposal still leaves promptly.
    ctx.executor().execute(ctx::flush);
  }

  @Override
  void onMessage(ChannelHandlerContext ctx, String message) {
    String current = proposed.get(proposed.size() - 1);
    if (message.equals(current)) {
      if (!lazy) {
        select(ctx, current, callback);
      }
      finish(ctx);
    } else if (message.equals(Multistream.NA)) {
      if (lazy) {
        fail(ctx, new NegotiationException(
            "peer rejected " + current + " after it was optimistically selected", tried()));
      } else if (proposed.size() < protocols.size()) {
        String next = protocols.get(proposed.size());
        proposed.add(next);
        ctx.writeAndFlush(MessageCodec.encode(ctx.alloc(), next));
      } else {
        fail(ctx, new NegotiationException(
            "peer supports none of the proposed protocols " + proposed, tried()));
      }
    } else {
      fail(ctx, new MalformedMessageException(
          "expected \"" + current + "\" or \"na\" from the peer, got \"" + MessageCodec.printable(message) + "\"",
          tried()));
    }
  }

  // ---- outbound: in lazy mode, a half-close waits for the listener's confirmation ----

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean holding = heldUntilConfirmed != null && !heldUntilConfirmed.isEmpty();
    boolean bytes = msg instanceof ByteBuf || msg instanceof ByteBufHolder;
    if (holdEnd && !isFinished() && (holding || !bytes)) {
      if (heldUntilConfirmed == null) {
        heldUntilConfirmed = new PendingWriteQueue(ctx);
      }
      heldUntilConfirmed.add(msg, promise);
      return;
    }
    ctx.write(msg, promise);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    // Confirmed (or failed and closing): what was held goes out now, in order, or fails.
    if (heldUntilConfirmed != null && !heldUntilConfirmed.isEmpty()) {
      if (ctx.channel().isActive()) {
        heldUntilConfirmed.removeAndWriteAll();
        ctx.flush();
      } else {
        heldUntilConfirmed.removeAndFailAll(new ClosedChannelException());
      }
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    failHeld();
    ctx.close(promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    failHeld();
    super.channelInactive(ctx);
  }

  private void failHeld() {
    if (heldUntilConfirmed != null && !heldUntilConfirmed.isEmpty()) {
      heldUntilConfirmed.removeAndFailAll(new ClosedChannelException());
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
    ctx.bind(localAddress, promise);
  }

  @Override
  public void connect(
      ChannelHandlerContext ctx,
      SocketAddress remoteAddress,
      SocketAddress localAddress,
      ChannelPromise promise) {
    ctx.connect(remoteAddress, localAddress, promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    failHeld();
    ctx.disconnect(promise);
  }

  @Override
  public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
    ctx.deregister(promise);
  }

  @Override
  List<String> tried() {
    return Collections.unmodifiableList(proposed);
  }

  /** Configures a {@link MultistreamDialerHandler}. */
  public static final class Builder extends NegotiationHandlerBuilder<Builder> {
    private final List<String> protocols;
    private Boolean lazy;
    private boolean holdEnd = true;

    private Builder(List<String> protocols) {
      if (protocols.isEmpty()) {
        throw new IllegalArgumentException("propose at least one protocol");
      }
      protocols.forEach(MessageCodec::requireValidProtocolId);
      this.protocols = List.copyOf(protocols);
    }

    /**
     * Forces optimistic negotiation on or off. By default it is on exactly when one protocol is
     * proposed.
     */
    public Builder lazy(boolean lazy) {
      this.lazy = lazy;
      return this;
    }

    /**
     * Whether a lazy dialer holds a half-close (any outbound message that is not bytes), and what
     * is written after it, until the listener's echo; on by default, as js-libp2p 3.x needs. Off,
     * a request and its end leave with the proposal, a round trip sooner; use that only towards a
     * listener known to accept it. Without lazy mode nothing is held either way.
     */
    public Builder holdEndUntilConfirmed(boolean hold) {
      this.holdEnd = hold;
      return this;
    }

    public MultistreamDialerHandler build() {
      return new MultistreamDialerHandler(this);
    }
  }
}
