package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.muxer.FatalErrors;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection of a host: a failure nothing before it handled closes the
 * connection (logged at DEBUG: peers drop connections all the time), and a fatal one, passed on by
 * the muxer or escalated from a stream, goes to the host, which shuts down. A {@link
 * LimitExceededException} a muxer passes on, as a user event, as it cuts off a misbehaving peer
 * (answers it does not read, refusals it keeps provoking) is reported to the host's event listener.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

  static final String NAME = "connection-errors";

  private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

  private final Consumer<Throwable> fatal;
  private final BiConsumer<Optional<PeerId>, LimitExceededException> limits;

  /**
   * @param fatal hears of a fatal error
   * @param limits hears of a limit that made a muxer cut the connection off, with the peer when
   *     the handshake proved it
   */
  ConnectionErrors(Consumer<Throwable> fatal, BiConsumer<Optional<PeerId>, LimitExceededException> limits) {
    this.fatal = fatal;
    this.limits = limits;
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

  /** A muxer cutting a misbehaving peer off tells of the limit as an event: reported, not closed here. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof LimitExceededException limit) {
      limits.accept(Optional.ofNullable(ctx.channel().attr(Stream.REMOTE_PEER).get()), limit);
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Hands a fatal error to the host. */
  void fatal(Throwable cause) {
    fatal.accept(cause);
  }
}
