package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.muxer.FatalErrors;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection of a host: a failure nothing before it handled closes the
 * connection (logged at DEBUG: peers drop connections all the time), and a fatal one, passed on by
 * the muxer or escalated from a stream, goes to the host, which shuts down.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

  static final String NAME = "connection-errors";

  private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

  private final Consumer<Throwable> fatal;

  ConnectionErrors(Consumer<Throwable> fatal) {
    this.fatal = fatal;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    try {
      if (FatalErrors.isFatal(cause)) {
        fatal(cause);
      } else {
        log.debug("connection {} failed; closing it", ctx.channel(), cause);
      }
    } finally {
      ctx.close();
    }
  }

  /** Hands a fatal error to the host. */
  void fatal(Throwable cause) {
    fatal.accept(cause);
  }
}
