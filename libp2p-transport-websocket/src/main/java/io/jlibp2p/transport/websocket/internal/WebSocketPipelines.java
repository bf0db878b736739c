package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.internal.TcpAddresses;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The handlers that open a WebSocket connection, TLS first for {@code wss}, and then carry its
 * bytes. Netty's protocol handler answers pings, answers a close frame and sends one when the
 * connection is closed (after what was written before, so a graceful close loses nothing).
 *
 * @param maxFrameSize the largest frame accepted, which Netty's decoder holds whole
 * @param maxMessageSize the most bytes of one message, its fragments together
 * @param maxUpgradeRequestSize the most bytes of the upgrade request's (or response's) headers
 * @param handshakeTimeout how long TLS and the upgrade may take together
 */
public record WebSocketPipelines(
    int maxFrameSize, long maxMessageSize, int maxUpgradeRequestSize, Duration handshakeTimeout) {

  /** The longest request or status line accepted. */
  private static final int MAX_INITIAL_LINE = 4096;
  /** How long a closing side waits for the peer's close frame before closing the socket anyway. */
  private static final long CLOSE_TIMEOUT_MILLIS = 1000;

  /** Sets up a dialed socket to open the WebSocket of {@code address}. */
  public void client(Channel channel, WebSocketAddress address, SslContext tls, RawConnectionHandler handler,
      CompletableFuture<RawConnection> connected) {
    ChannelPipeline pipeline = channel.pipeline();
    if (address.secure()) {
      String peerHost = address.sni() != null
          ? address.sni()
          : TcpAddresses.literalAddress(address.tcp()).getHostAddress();
      pipeline.addLast("tls", untimed(tls.newHandler(channel.alloc(), peerHost, address.port())));
    }
    pipeline.addLast("http", new HttpClientCodec(MAX_INITIAL_LINE, maxUpgradeRequestSize, maxUpgradeRequestSize));
    pipeline.addLast("http-aggregator", new HttpObjectAggregator(maxUpgradeRequestSize));
    pipeline.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
        .webSocketUri(address.requestUri())
        .version(WebSocketVersion.V13)
        .allowExtensions(false)
        .maxFramePayloadLength(maxFrameSize)
        .handleCloseFrames(true)
        .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
        .forceCloseTimeoutMillis(CLOSE_TIMEOUT_MILLIS)
        .dropPongFrames(true)
        .handshakeTimeoutMillis(handshakeTimeout.toMillis())
        .absoluteUpgradeUrl(false)
        .generateOriginHeader(false)
        .withUTF8Validator(false)
        .build()));
    addByteStream(pipeline, Direction.OUTBOUND, address, handler, connected);
  }

  /** Sets up an accepted socket to open the WebSocket a client asks for. */
  public void server(Channel channel, WebSocketAddress listening, SslContext tls, RawConnectionHandler handler) {
    ChannelPipeline pipeline = channel.pipeline();
    if (listening.secure()) {
      pipeline.addLast("tls", untimed(tls.newHandler(channel.alloc())));
    }
    pipeline.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, maxUpgradeRequestSize, maxUpgradeRequestSize));
    // An upgrade request has no body.
    pipeline.addLast("http-aggregator", new HttpObjectAggregator(0));
    pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
        // Any path: go, rust and js serve libp2p on every path, and clients send "/".
        .websocketPath("/")
        .checkStartsWith(true)
        .decoderConfig(WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(maxFrameSize)
            .expectMaskedFrames(true)
            .allowMaskMismatch(false)
            .allowExtensions(false)
            .closeOnProtocolViolation(true)
            .withUTF8Validator(false)
            .build())
        .handleCloseFrames(true)
        .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
        .forceCloseTimeoutMillis(CLOSE_TIMEOUT_MILLIS)
        .dropPongFrames(true)
        .handshakeTimeoutMillis(handshakeTimeout.toMillis())
        .build()));
    addByteStream(pipeline, Direction.INBOUND, listening, handler, new CompletableFuture<>());
  }

  /** TLS without a deadline of its own (10 s in Netty): {@code handshakeTimeout} covers it. */
  private static SslHandler untimed(SslHandler tls) {
    tls.setHandshakeTimeoutMillis(0);
    return tls;
  }

  private void addByteStream(ChannelPipeline pipeline, Direction direction, WebSocketAddress address,
      RawConnectionHandler handler, CompletableFuture<RawConnection> connected) {
    pipeline.addLast("websocket-bytes", new BinaryFrameCodec(maxMessageSize));
    pipeline.addLast("websocket-activation",
        new UpgradeActivation(direction, address, handler, connected, handshakeTimeout, maxFrameSize));
  }
}
