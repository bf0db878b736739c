package io.jlibp2p.transport.websocket;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket client for the tests, written on Netty's own client so that it can send what a
 * libp2p peer would not (text frames, fragments, pings, oversized frames) and see every frame the
 * transport sends, close frames and pongs included.
 */
final class FrameClient implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final BlockingQueue<WebSocketFrame> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> open = new CompletableFuture<>();
  final Channel channel;

  /** Connects to {@code port} on 127.0.0.1 and opens a WebSocket on {@code path}. */
  FrameClient(int port, String path) throws Exception {
    channel = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
            new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://127.0.0.1:" + port + path))
                .maxFramePayloadLength(64 << 20)
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .build()),
            new SimpleChannelInboundHandler<WebSocketFrame>(false) {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                received.add(frame);
              }

              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                  open.complete(null);
                }
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                open.completeExceptionally(cause);
              }
            });
      }
    }).connect("127.0.0.1", port).sync().channel();
    open.get(10, TimeUnit.SECONDS);
  }

  void send(WebSocketFrame frame) {
    channel.writeAndFlush(frame).syncUninterruptibly();
  }

  /** The next frame received, which the caller releases; fails after 10 s. */
  WebSocketFrame next() throws InterruptedException {
    WebSocketFrame frame = received.poll(10, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within 10 s");
    }
    return frame;
  }

  boolean closedWithin10Seconds() throws InterruptedException {
    return channel.closeFuture().await(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    WebSocketFrame frame;
    while ((frame = received.poll()) != null) {
      ReferenceCountUtil.release(frame);
    }
  }
}
