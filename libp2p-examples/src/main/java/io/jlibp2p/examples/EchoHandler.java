package io.jlibp2p.examples;

import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.StreamResponder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Writes back everything a stream receives, and ends its writing when the remote ends its own: the
 * {@code /echo/1.0.0} service of the CLI, its tests, and js-libp2p's test echo. Stateless and
 * sharable.
 *
 * <p>It flushes once per read batch rather than per buffer, and it forwards each buffer it reads
 * (so it releases nothing itself: the write does).
 */
@ChannelHandler.Sharable
public final class EchoHandler extends StreamResponder {

  /** The one instance. */
  public static final EchoHandler INSTANCE = new EchoHandler();

  private EchoHandler() {}

  /**
   * The {@code /echo/1.0.0} stream handler: this handler on each stream, served on relayed
   * (limited) connections too, where the relay's limits bound what it echoes.
   */
  public static StreamHandler streamHandler() {
    return StreamHandler.onLimitedConnectionsToo(stream -> stream.pipeline().addLast(INSTANCE));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.write(msg);
  }
}
