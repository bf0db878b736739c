package io.jlibp2p.tls.internal;

import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.tls.TlsSecureChannel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;

/**
 * Sits right behind the {@code SslHandler} and turns what it reports into the handshake's outcome
 * and libp2p's failures.
 *
 * <ul>
 *   <li>The handshake's end, from the {@link SslHandshakeCompletionEvent} that the {@code
 *       SslHandler} fires synchronously, before it passes on any byte decoded after the
 *       handshake. Its handshake future's listeners may run later (Netty defers them when
 *       listeners nest deeply), too late for the session to be up when those bytes arrive.
 *   <li>A TLS refusal during the handshake (bytes that are not TLS, a bad message) fails the
 *       handshake, and nothing goes on down the pipeline: the handshake's outcome reports it.
 *   <li>After the handshake, a refused record is a {@link SecureChannelException}. The {@code
 *       SslHandler} closes the connection either way. Other exceptions (the socket's) pass.
 * </ul>
 */
final class TlsOutcomeHandler extends ChannelInboundHandlerAdapter {

  /** What the handshake does when the TLS layer reports its end. */
  interface Outcome {
    /** The TLS handshake completed: check what it settled and report the session. */
    void completed();

    /** The TLS handshake failed with {@code cause}. */
    void failed(Throwable cause);
  }

  private final Outcome outcome;
  private boolean secured;

  TlsOutcomeHandler(Outcome outcome) {
    this.outcome = outcome;
  }

  /** The session is up: what the TLS layer refuses from now on is a record. */
  void secured() {
    secured = true;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent completion) {
      if (completion.isSuccess()) {
        outcome.completed();
      } else {
        outcome.failed(completion.cause());
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable tls = cause instanceof DecoderException && cause.getCause() instanceof SSLException ? cause.getCause() : cause;
    if (!(tls instanceof SSLException)) {
      ctx.fireExceptionCaught(cause);
    } else if (!secured) {
      outcome.failed(tls);
    } else {
      ctx.fireExceptionCaught(new SecureChannelException(
          TlsSecureChannel.PROTOCOL_ID + ": the remote sent a TLS record that was refused: " + tls.getMessage(), cause));
    }
  }
}
