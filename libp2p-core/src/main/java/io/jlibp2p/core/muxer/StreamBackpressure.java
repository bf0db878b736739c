package io.jlibp2p.core.muxer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Backpressure for a handler that writes what it reads (an echo, a relay, a proxy): reading stops
 * while the stream is not writable and resumes when it is. A stream's flow-control credit goes back
 * to the remote only as the application reads, so a remote that writes without reading our answers
 * is stopped by its own window instead of filling our memory. Without it, a stream whose writes
 * back up past its resource scope's memory fails its next write with a {@link
 * io.jlibp2p.core.LimitExceededException} and is reset.
 *
 * <pre>{@code
 * host.setStreamHandler("/proxy/1.0.0", stream -> stream.pipeline()
 *     .addLast(StreamBackpressure.INSTANCE)
 *     .addLast(handlerFor("/proxy/1.0.0")));
 * }</pre>
 *
 * <p>It turns {@code autoRead} off and on: a handler that manages {@code autoRead} itself should
 * call {@link #follow(Channel)} from its own {@code channelWritabilityChanged} instead. {@link
 * StreamResponder} does this already. Stateless and sharable.
 */
@ChannelHandler.Sharable
public final class StreamBackpressure extends ChannelInboundHandlerAdapter {

  /** The one instance. */
  public static final StreamBackpressure INSTANCE = new StreamBackpressure();

  private StreamBackpressure() {}

  /**
   * Reads while {@code channel} is writable, and not while it is not; on a stream without
   * per-stream flow control (mplex) it keeps reading, since pausing would not slow the remote.
   */
  public static void follow(Channel channel) {
    if (channel instanceof AbstractStreamChannel stream && !stream.isFlowControlled()) {
      return;
    }
    channel.config().setAutoRead(channel.isWritable());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    follow(ctx.channel());
    ctx.fireChannelWritabilityChanged();
  }
}
