package io.jlibp2p.multistream;

import io.jlibp2p.multistream.internal.MessageCodec;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The responder's side of multistream-select 1.0: answers each proposal with an echo (accept) or
 * {@code na} (keep listening), and answers {@code ls} with the {@link ProtocolRegistry}'s list.
 *
 * <pre>{@code
 * channel.pipeline().addLast(
 *     MultistreamListenerHandler.builder(ProtocolRegistry.of("/ipfs/ping/1.0.0"))
 *         .onSelected((ctx, protocol) -> ctx.pipeline().addAfter(ctx.name(), null, handlerFor(protocol)))
 *         .build());
 * }</pre>
 *
 * <p>The header is sent as soon as the channel is active, so a dialer that waits for it before
 * proposing is served too. Optimistic dialers that send the header, the proposal and their first
 * application bytes at once are served as well: the application bytes reach the selected
 * protocol's handlers, installed by the {@link ProtocolSelectedCallback} before this handler leaves
 * the pipeline.
 *
 * <p>What a peer can make the listener do is bounded: it answers at most {@link
 * NegotiationHandlerBuilder#maxMessages} messages (then fails with a {@link
 * TooManyMessagesException}), and stops answering a peer that does not read its answers (a {@link
 * PeerNotReadingException} once they pile up beyond the channel's high water mark). Either way
 * the channel closes.
 *
 * <p>Not sharable: one instance negotiates one channel.
 */
public final class MultistreamListenerHandler extends AbstractNegotiationHandler {

  private final ProtocolRegistry registry;
  private final ProtocolSelectedCallback callback;
  private final List<String> offered = new ArrayList<>();

  private MultistreamListenerHandler(Builder builder) {
    super(builder.timeout, builder.maxMessages);
    this.registry = builder.registry;
    this.callback = builder.callback;
  }

  /** Starts a builder serving the protocols in {@code registry}. */
  public static Builder builder(ProtocolRegistry registry) {
    return new Builder(registry);
  }

  @Override
  void start(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(MessageCodec.encode(ctx.alloc(), Multistream.PROTOCOL_ID));
  }

  @Override
  void onMessage(ChannelHandlerContext ctx, String message) {
    if (failIfPeerNotReading(ctx)) {
      return;
    }
    if (message.equals(Multistream.LS)) {
      ctx.writeAndFlush(MessageCodec.encodeProtocolList(ctx.alloc(), registry.listed()));
      return;
    }
    offered.add(message);
    Optional<String> match = registry.match(message);
    if (match.isEmpty()) {
      ctx.writeAndFlush(MessageCodec.encode(ctx.alloc(), Multistream.NA));
      return;
    }
    // Echo first: the selected protocol's handlers may write as soon as they are installed.
    ctx.writeAndFlush(MessageCodec.encode(ctx.alloc(), match.get()));
    select(ctx, match.get(), callback);
    finish(ctx);
  }

  @Override
  List<String> tried() {
    return Collections.unmodifiableList(offered);
  }

  /** Configures a {@link MultistreamListenerHandler}. */
  public static final class Builder extends NegotiationHandlerBuilder<Builder> {
    private final ProtocolRegistry registry;

    private Builder(ProtocolRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    public MultistreamListenerHandler build() {
      return new MultistreamListenerHandler(this);
    }
  }
}
