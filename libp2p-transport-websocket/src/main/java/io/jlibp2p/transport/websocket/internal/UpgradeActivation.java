package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.transport.websocket.WebSocketException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a connection to the {@link RawConnectionHandler} once its WebSocket is open (after TLS, for
 * {@code wss}, and the HTTP upgrade), then leaves the pipeline and lets the activation continue to
 * the handlers the callback installed, as the TCP transport does when the socket connects.
 *
 * <p>The whole opening, TLS included, has one deadline, so a peer that connects and says nothing
 * holds its socket no longer than that. A failure before the handover fails the dial with a {@link
 * WebSocketException} naming the address; an inbound one is logged at DEBUG (no one else is there
 * to hear it) and the socket closed.
 */
public final class UpgradeActivation extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger("io.jlibp2p.transport.websocket");

  private final Direction direction;
  private final WebSocketAddress address;
  private final RawConnectionHandler handler;
  private final CompletableFuture<RawConnection> connected;
  private final Duration timeout;
  private final long maxEarlyBytes;
  /**
   * Bytes that arrived before the handover. The server's upgrade completes when its response is
   * written, so a client that answers at once could in principle be read first.
   */
  private final Queue<ByteBuf> early = new ArrayDeque<>();
  private long earlyBytes;
  private ScheduledFuture<?> deadline;
  private boolean done;

  /**
   * @param address the dialed address, or the listener's
   * @param maxEarlyBytes the most bytes held before the handover
   */
  public UpgradeActivation(Direction direction, WebSocketAddress address, RawConnectionHandler handler,
      CompletableFuture<RawConnection> connected, Duration timeout, long maxEarlyBytes) {
    this.direction = direction;
    this.address = address;
    this.handler = handler;
    this.connected = connected;
    this.timeout = timeout;
    this.maxEarlyBytes = maxEarlyBytes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // The activation itself is held back: the handlers that want it are installed at the
    // handover, which passes it on.
    deadline = ctx.executor().schedule(
        () -> fail(ctx, new WebSocketException(what(ctx) + " did not complete within " + timeout.toMillis()
            + " ms (handshakeTimeout)")),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelDeadline();
    releaseEarly();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE
        || evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      activate(ctx);
    } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      fail(ctx, new WebSocketException("the TLS handshake of " + what(ctx) + " failed: " + tls.cause().getMessage(),
          tls.cause()));
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT
        || evt == WebSocketServerProtocolHandler.ServerHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail(ctx, new WebSocketException(what(ctx) + " did not complete within " + timeout.toMillis()
          + " ms (handshakeTimeout)"));
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private void activate(ChannelHandlerContext ctx) {
    if (done) {
      return;
    }
    done = true;
    cancelDeadline();
    boolean outbound = direction == Direction.OUTBOUND;
    RawConnection connection = new RawConnection(
        ctx.channel(),
        address.at((InetSocketAddress) ctx.channel().localAddress(), false),
        address.at((InetSocketAddress) ctx.channel().remoteAddress(), outbound),
        direction);
    try {
      handler.connected(connection);
    } catch (RuntimeException e) {
      connected.completeExceptionally(e);
      ctx.close();
      return;
    }
    Queue<ByteBuf> held = new ArrayDeque<>(early);
    early.clear();
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
    if (!held.isEmpty()) {
      held.forEach(ctx::fireChannelRead);
      ctx.fireChannelReadComplete();
    }
    connected.complete(connection);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done || !(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    earlyBytes += bytes.readableBytes();
    early.add(bytes);
    if (earlyBytes > maxEarlyBytes) {
      fail(ctx, new WebSocketException("the peer sent more than " + maxEarlyBytes + " bytes before "
          + what(ctx) + " completed"));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, new WebSocketException("the connection closed before " + what(ctx) + " completed"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof WebSocketException failure) {
      fail(ctx, failure);
    } else if (cause instanceof WebSocketClientHandshakeException refused) {
      fail(ctx, new WebSocketException(what(ctx) + " was refused: " + refused.getMessage(), refused));
    } else if (cause.getCause() instanceof SSLException tls) {
      fail(ctx, new WebSocketException("the TLS handshake of " + what(ctx) + " failed: " + tls.getMessage(), tls));
    } else {
      fail(ctx, new WebSocketException(what(ctx) + " failed: " + cause, cause));
    }
  }

  private void fail(ChannelHandlerContext ctx, WebSocketException failure) {
    if (done) {
      return;
    }
    done = true;
    cancelDeadline();
    releaseEarly();
    if (direction == Direction.INBOUND) {
      log.debug("refused an inbound connection on {}: {}", address.tcp(), failure.getMessage());
    }
    connected.completeExceptionally(failure);
    ctx.close();
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  private void releaseEarly() {
    ByteBuf bytes;
    while ((bytes = early.poll()) != null) {
      bytes.release();
    }
  }

  /** "the WebSocket upgrade with /ip4/…/ws" or "… from /ip4/…", for messages. */
  private String what(ChannelHandlerContext ctx) {
    if (direction == Direction.OUTBOUND) {
      return "the WebSocket upgrade with " + address.multiaddr();
    }
    Object remote = ctx.channel().remoteAddress();
    return "the WebSocket upgrade from " + (remote == null ? "a peer" : remote);
  }
}
