package io.jlibp2p.core.conformance;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * In-VM Netty connections for a test class: one event-loop group for the class, and the listeners
 * and connections each test opens, closed after it, the last opened first. Register it on a static
 * field:
 *
 * <pre>{@code
 * @RegisterExtension static final LocalConnections connections = new LocalConnections();
 *
 * Channel listener = connections.listen(childHandler);
 * Channel client = connections.connect(listener, handler);
 * }</pre>
 *
 * <p>For tests; part of libp2p-core's test-jar.
 */
public final class LocalConnections implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private static final AtomicLong LISTENERS = new AtomicLong();

  private final Deque<Channel> opened = new ConcurrentLinkedDeque<>();
  private volatile EventLoopGroup group;
  private volatile String name;

  @Override
  public void beforeAll(ExtensionContext context) {
    group = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    name = context.getRequiredTestClass().getSimpleName();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Channel channel;
    while ((channel = opened.pollFirst()) != null) {
      channel.close().syncUninterruptibly();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Binds a listener at a fresh address; {@code childHandler} sets up each connection it accepts. */
  public Channel listen(ChannelHandler childHandler) throws InterruptedException {
    Channel listener =
        new ServerBootstrap()
            .group(group)
            .channel(LocalServerChannel.class)
            .childHandler(childHandler)
            .bind(new LocalAddress(name + "-" + LISTENERS.incrementAndGet()))
            .sync()
            .channel();
    opened.addFirst(listener);
    return listener;
  }

  /** Connects to {@code listener}; {@code handler} sets up the connection. */
  public Channel connect(Channel listener, ChannelHandler handler) throws InterruptedException {
    Channel connection =
        new Bootstrap()
            .group(group)
            .channel(LocalChannel.class)
            .handler(handler)
            .connect(listener.localAddress())
            .sync()
            .channel();
    opened.addFirst(connection);
    return connection;
  }
}
