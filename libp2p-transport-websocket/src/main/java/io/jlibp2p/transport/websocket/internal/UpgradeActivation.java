package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.transport.websocket.WebSocketException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
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
    deadline = ctx.executor().schedule(() -> fail(ctx, timedOut(ctx)), timeout.toNanos(), TimeUnit.NANOSECONDS);
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
      fail(ctx, tlsFailed(ctx, tls.cause()));
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT
        || evt == WebSocketServerProtocolHandler.ServerHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      fail(ctx, timedOut(ctx));
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
    if (connected.isDone()) {
      // The dial was given up (cancelled or timed out) while the WebSocket opened.
      releaseEarly();
      ctx.close();
      return;
    }
    // A dialed connection's remote address is the one dialed: its DNS name or /sni is the name the
    // server's certificate proved, and what a later dial from the peerstore must check again.
    RawConnection connection = new RawConnection(
        ctx.channel(),
        address.at((InetSocketAddress) ctx.channel().localAddress()),
        direction == Direction.OUTBOUND
            ? address.multiaddr()
            : address.at((InetSocketAddress) ctx.channel().remoteAddress()),
        direction);
    if (direction == Direction.INBOUND && early.isEmpty()) {
      ctx.pipeline().addAfter(ctx.name(), "websocket-quiet", new QuietUntilSpokenTo());
    }
    try {
      handler.connected(connection);
    } catch (RuntimeException | Error e) {
      releaseEarly();
      connected.completeExceptionally(e);
      ctx.close();
      if (e instanceof Error error) {
        throw error;
      }
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
    if (!done && msg instanceof HttpRequest) {
      // A request Netty's WebSocket handler did not take: its target is not a path ("GET
      // http://host/ HTTP/1.1", say). Answer it rather than hold the socket until the deadline.
      ReferenceCountUtil.release(msg);
      refuseRequest(ctx);
      return;
    }
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
    } else if (cause instanceof TooLongFrameException tooLong) {
      fail(ctx, new WebSocketException(what(ctx) + " failed: the HTTP " + (direction == Direction.OUTBOUND
          ? "response" : "request") + " is larger than maxUpgradeRequestSize allows: " + tooLong.getMessage(), tooLong));
    } else if (cause.getCause() instanceof SSLException tls) {
      fail(ctx, tlsFailed(ctx, tls));
    } else {
      fail(ctx, new WebSocketException(what(ctx) + " failed: " + cause, cause));
    }
  }

  private void refuseRequest(ChannelHandlerContext ctx) {
    if (!end("its request was no WebSocket upgrade of a path")) {
      return;
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void fail(ChannelHandlerContext ctx, WebSocketException failure) {
    if (end(failure.getMessage())) {
      connected.completeExceptionally(failure);
      ctx.close();
    }
  }

  /**
   * Ends an upgrade that will not complete, once: what it held is released, and an inbound
   * refusal is logged (no one else is there to hear it). False when it had ended already.
   */
  private boolean end(String why) {
    if (done) {
      return false;
    }
    done = true;
    cancelDeadline();
    releaseEarly();
    if (direction == Direction.INBOUND) {
      log.debug("refused an inbound connection on {}: {}", address.tcp(), why);
    }
    return true;
  }

  private WebSocketException timedOut(ChannelHandlerContext ctx) {
    return new WebSocketException(what(ctx) + " did not complete within " + timeout.toMillis() + " ms (handshakeTimeout)");
  }

  private WebSocketException tlsFailed(ChannelHandlerContext ctx, Throwable cause) {
    return new WebSocketException("the TLS handshake of " + what(ctx) + " failed: " + cause.getMessage(), cause);
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
