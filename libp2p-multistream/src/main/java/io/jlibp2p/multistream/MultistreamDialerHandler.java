package io.jlibp2p.multistream;

import io.jlibp2p.multistream.internal.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
 * <p>Without lazy mode, the header and first proposal still go out in one packet, and each {@code
 * na} is answered with the next proposal. If every proposal is rejected, {@link
 * #selectedProtocol()} fails with a {@link NegotiationException} listing them.
 *
 * <p>Not sharable: one instance negotiates one channel.
 */
public final class MultistreamDialerHandler extends AbstractNegotiationHandler {

  private final List<String> protocols;
  private final boolean lazy;
  private final ProtocolSelectedCallback callback;
  private final List<String> proposed = new ArrayList<>();

  private MultistreamDialerHandler(Builder builder) {
    super(builder.timeout);
    this.protocols = List.copyOf(builder.protocols);
    this.lazy = builder.lazy != null ? builder.lazy : protocols.size() == 1;
    if (lazy && protocols.size() != 1) {
      throw new IllegalArgumentException(
          "lazy negotiation needs exactly one protocol, got " + protocols);
    }
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

  /** Whether this dialer negotiates optimistically. */
  public boolean isLazy() {
    return lazy;
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

  @Override
  List<String> tried() {
    return Collections.unmodifiableList(proposed);
  }

  /** Configures a {@link MultistreamDialerHandler}. */
  public static final class Builder extends NegotiationHandlerBuilder<Builder> {
    private final List<String> protocols;
    private Boolean lazy;

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

    public MultistreamDialerHandler build() {
      return new MultistreamDialerHandler(this);
    }
  }
}
