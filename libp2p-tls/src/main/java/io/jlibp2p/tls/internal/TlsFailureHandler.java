package io.jlibp2p.tls.internal;

import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.tls.TlsSecureChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Sits right behind the {@code SslHandler} and turns what it rejects into libp2p's failures: during
 * the handshake, the handshake's own failure (its outcome reports it, so nothing goes on down the
 * pipeline); after it, a {@link SecureChannelException} for a record that is not authentic or not
 * TLS at all. Netty's {@code SslHandler} closes the connection either way. Other exceptions (the
 * socket's) pass unchanged.
 */
final class TlsFailureHandler extends ChannelInboundHandlerAdapter {

  private final Consumer<Throwable> duringHandshake;
  private boolean secured;

  /** {@code duringHandshake} fails the handshake with a TLS error that came before it ended. */
  TlsFailureHandler(Consumer<Throwable> duringHandshake) {
    this.duringHandshake = duringHandshake;
  }

  /** The handshake succeeded: what the TLS layer rejects from now on is a record. */
  void secured() {
    secured = true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable tls = cause instanceof DecoderException && cause.getCause() instanceof SSLException ? cause.getCause() : cause;
    if (!(tls instanceof SSLException)) {
      ctx.fireExceptionCaught(cause);
    } else if (!secured) {
      duringHandshake.accept(tls);
    } else {
      ctx.fireExceptionCaught(new SecureChannelException(
          TlsSecureChannel.PROTOCOL_ID + ": the remote sent a TLS record that was refused: " + tls.getMessage(), cause));
    }
  }
}
