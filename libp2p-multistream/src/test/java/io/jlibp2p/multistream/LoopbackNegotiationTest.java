package io.jlibp2p.multistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.ByteBufs;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dialer and listener over a real TCP connection on the loopback interface. */
class LoopbackNegotiationTest {

  private static EventLoopGroup group;
  private static Channel server;

  @BeforeAll
  static void startServer() throws InterruptedException {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ProtocolRegistry registry = ProtocolRegistry.of("/echo/1.0.0", "/upper/1.0.0");
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            MultistreamListenerHandler.builder(registry)
                                .onSelected(
                                    (ctx, protocol) ->
                                        ctx.pipeline()
                                            .addAfter(ctx.name(), "app", serverHandlerFor(protocol)))
                                .build());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void fallsBackToASupportedProtocolAndEchoes() throws Exception {
    assertAnswered(MultistreamDialerHandler.builder("/missing/1.0.0", "/echo/1.0.0"), "ping", "/echo/1.0.0", "ping");
  }

  @Test
  void lazyDialerSendsDataWithTheProposal() throws Exception {
    assertAnswered(MultistreamDialerHandler.builder("/upper/1.0.0"), "hello", "/upper/1.0.0", "HELLO");
  }

  @Test
  void lazyDialerSeesTheRejection() throws Exception {
    Exchange exchange = dial(MultistreamDialerHandler.builder("/missing/1.0.0"), "hello", 5);
    ExecutionException e = assertThrows(ExecutionException.class, () -> exchange.reply.get(5, TimeUnit.SECONDS));
    assertInstanceOf(NegotiationException.class, e.getCause());
    exchange.channel.closeFuture().await(5, TimeUnit.SECONDS);
    assertTrue(!exchange.channel.isOpen());
  }

  @Test
  void noCommonProtocolFailsAndCloses() throws Exception {
    Exchange exchange = dial(MultistreamDialerHandler.builder("/a/1", "/b/1"), "x", 1);
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> exchange.protocol.get(5, TimeUnit.SECONDS));
    NegotiationException failure = assertInstanceOf(NegotiationException.class, e.getCause());
    assertEquals(List.of("/a/1", "/b/1"), failure.triedProtocols());
    assertTrue(exchange.channel.closeFuture().await(5, TimeUnit.SECONDS));
  }

  @Test
  void manyConcurrentNegotiations() throws Exception {
    List<Exchange> exchanges = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      MultistreamDialerHandler.Builder builder =
          i % 2 == 0
              ? MultistreamDialerHandler.builder("/upper/1.0.0")
              : MultistreamDialerHandler.builder("/nope", "/upper/1.0.0");
      exchanges.add(dial(builder, "message " + i, ("message " + i).length()));
    }
    for (int i = 0; i < exchanges.size(); i++) {
      assertEquals("MESSAGE " + i, exchanges.get(i).reply.get(10, TimeUnit.SECONDS));
      exchanges.get(i).channel.close().sync();
    }
  }

  /** Dials and sends {@code message}; checks that {@code protocol} is selected and answers {@code reply}. */
  private static void assertAnswered(
      MultistreamDialerHandler.Builder builder, String message, String protocol, String reply) throws Exception {
    Exchange exchange = dial(builder, message, reply.length());
    assertEquals(protocol, exchange.protocol.get(5, TimeUnit.SECONDS));
    assertEquals(reply, exchange.reply.get(5, TimeUnit.SECONDS));
    exchange.channel.close().sync();
  }

  /** Dials, negotiates, sends {@code message} once a protocol is selected, collects the reply. */
  private static Exchange dial(MultistreamDialerHandler.Builder builder, String message, int replyLength)
      throws InterruptedException {
    CompletableFuture<String> reply = new CompletableFuture<>();
    MultistreamDialerHandler dialer =
        builder
            .onSelected(
                (ctx, protocol) -> {
                  ctx.pipeline().addAfter(ctx.name(), "reply", new ReplyCollector(replyLength, reply));
                  ctx.writeAndFlush(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
                })
            .build();
    dialer.selectedProtocol().whenComplete((p, e) -> {
      if (e != null) {
        reply.completeExceptionally(e);
      }
    });
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(dialer)
            .connect(server.localAddress())
            .sync()
            .channel();
    return new Exchange(channel, dialer.selectedProtocol(), reply);
  }

  private record Exchange(Channel channel, CompletableFuture<String> protocol, CompletableFuture<String> reply) {}

  private static ChannelHandler serverHandlerFor(String protocol) {
    boolean upper = protocol.equals("/upper/1.0.0");
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String text = new String(ByteBufs.take(msg), StandardCharsets.UTF_8);
        ctx.writeAndFlush(
            Unpooled.copiedBuffer(upper ? text.toUpperCase(Locale.ROOT) : text, StandardCharsets.UTF_8));
      }
    };
  }

  /** Accumulates the reply until it has the expected length. */
  private static final class ReplyCollector extends ChannelInboundHandlerAdapter {
    private final int length;
    private final CompletableFuture<String> reply;
    private final StringBuilder received = new StringBuilder();

    ReplyCollector(int length, CompletableFuture<String> reply) {
      this.length = length;
      this.reply = reply;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.append(new String(ByteBufs.take(msg), StandardCharsets.UTF_8));
      if (received.length() >= length) {
        reply.complete(received.toString());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      reply.completeExceptionally(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      reply.completeExceptionally(new IllegalStateException("closed before the reply"));
    }
  }
}
