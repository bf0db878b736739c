package io.jlibp2p.core.security;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.concurrent.CompletableFuture;

/**
 * What every secure channel's handshake handler shares: it starts when the channel is active
 * (whether it was added before or after activation), reports one {@link SecureSession} or one
 * {@link SecurityHandshakeException}, closes the channel on failure, and leaves the pipeline on
 * success so that the bytes after the handshake reach the next handler.
 *
 * <p>Built on {@link ByteToMessageDecoder}: bytes it has not consumed when it leaves are passed
 * on, never lost. Subclasses implement {@link #onStart} and {@code decode}.
 */
public abstract class AbstractHandshakeHandler extends ByteToMessageDecoder {

  private final String protocolId;
  private final CompletableFuture<SecureSession> session = new CompletableFuture<>();
  private boolean started;

  protected AbstractHandshakeHandler(String protocolId) {
    this.protocolId = protocolId;
  }

  /** The outcome; see {@link SecureChannel.Handshake#session()}. */
  public final CompletableFuture<SecureSession> session() {
    return session;
  }

  /** Whether the handshake has ended, either way. */
  protected final boolean isDone() {
    return session.isDone();
  }

  /** Sends this side's first message, if it has one. Called once, when the channel is active. */
  protected abstract void onStart(ChannelHandlerContext ctx);

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
    if (!started) {
      started = true;
      onStart(ctx);
    }
  }

  /**
   * Reports success and leaves the pipeline. Completing first lets the upgrader add the next
   * handlers; leaving then hands them the bytes that followed the handshake.
   */
  protected final void succeed(ChannelHandlerContext ctx, SecureSession established) {
    session.complete(established);
    if (!ctx.isRemoved()) {
      ctx.pipeline().remove(this);
    }
  }

  /** Reports {@code failure} and closes the channel; later failures are ignored. */
  protected final void fail(ChannelHandlerContext ctx, SecurityHandshakeException failure) {
    if (session.completeExceptionally(failure)) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(ctx, new SecurityHandshakeException(protocolId + ": connection closed during the handshake"));
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (session.isDone()) {
      ctx.fireExceptionCaught(cause);
    } else {
      fail(ctx, new SecurityHandshakeException(protocolId + ": connection failed during the handshake: " + cause, cause));
    }
  }
}
