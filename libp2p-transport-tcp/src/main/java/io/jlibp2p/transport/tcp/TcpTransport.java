package io.jlibp2p.transport.tcp;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.tcp.internal.ActivationHandler;
import io.jlibp2p.core.transport.internal.NettyRequirement;
import io.jlibp2p.core.transport.internal.ServerChannelListener;
import io.jlibp2p.core.transport.internal.SocketChannels;
import io.jlibp2p.core.transport.internal.SocketDialer;
import io.jlibp2p.core.transport.internal.TcpAddresses;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The TCP transport: dials {@code /ip4}, {@code /ip6}, {@code /dns}, {@code /dns4} and {@code
 * /dns6} addresses with {@code /tcp}, and listens on {@code /ip4} and {@code /ip6} ones.
 *
 * <pre>{@code
 * try (TcpTransport tcp = TcpTransport.builder().build()) {
 *   TransportListener listener = tcp.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"), raw -> ...).join();
 *   Multiaddr bound = listener.addresses().get(0);   // the real port
 * }
 * }</pre>
 *
 * <p>It owns its event loop threads (epoll on Linux when available, NIO elsewhere), named {@code
 * jlibp2p-tcp-*}; {@link #close()} stops them. Sockets use {@code TCP_NODELAY}: libp2p protocols
 * are request/response heavy and multistream already batches its messages.
 */
public final class TcpTransport implements Transport {

  private final SocketChannels sockets;
  private final EventLoopGroup group;
  private final ChannelGroup channels;
  private final SocketDialer dialer;

  private TcpTransport(Builder builder) {
    NettyRequirement.check();
    this.sockets = SocketChannels.select(builder.preferNative);
    this.group =
        new MultiThreadIoEventLoopGroup(
            builder.threads, new DefaultThreadFactory("jlibp2p-tcp"), sockets.ioHandlerFactory());
    this.channels = new DefaultChannelGroup("jlibp2p-tcp", group.next());
    this.dialer = new SocketDialer(group, sockets, channels, builder.connectTimeout, a -> closedError("dial", a));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code "epoll"} or {@code "nio"}: the socket implementation in use. */
  public String socketImplementation() {
    return sockets.name();
  }

  @Override
  public boolean canDial(Multiaddr address) {
    return TcpAddresses.isDialable(address);
  }

  @Override
  public boolean canListen(Multiaddr address) {
    return TcpAddresses.isListenable(address);
  }

  /**
   * A closed transport's threads are gone, so Netty could not even report a dial's failure: it
   * would never complete. A transport belongs to the host it was built into, and closes with it.
   */
  private TransportException closedError(String what, Multiaddr address) {
    return new TransportException("cannot " + what + " " + address + ": this TcpTransport is closed (the host that"
        + " owned it has closed); give each host a transport of its own, for example from a new builder");
  }

  @Override
  public CompletableFuture<RawConnection> dial(Multiaddr address, RawConnectionHandler handler) {
    if (group.isShuttingDown()) {
      return CompletableFuture.failedFuture(closedError("dial", address));
    }
    if (!canDial(address)) {
      return CompletableFuture.failedFuture(
          new TransportException("TCP cannot dial " + address + ": expected /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>"));
    }
    return dialer.dial(address, address, (channel, connected) ->
        channel.pipeline().addLast(new ActivationHandler(Direction.OUTBOUND, handler, connected)));
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, RawConnectionHandler handler) {
    if (group.isShuttingDown()) {
      return CompletableFuture.failedFuture(closedError("listen on", address));
    }
    if (!canListen(address)) {
      return CompletableFuture.failedFuture(
          new TransportException("TCP cannot listen on " + address + ": expected /ip4|ip6/<ip>/tcp/<port>"));
    }
    InetSocketAddress local = new InetSocketAddress(TcpAddresses.literalAddress(address), TcpAddresses.port(address));
    return ServerChannelListener.bind(group, sockets, channels, local, address,
        ch -> ch.pipeline().addLast(new ActivationHandler(Direction.INBOUND, handler, new CompletableFuture<>())),
        TcpAddresses::toMultiaddr);
  }

  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    for (EventExecutor executor : group) {
      if (executor.inEventLoop()) {
        throw new IllegalStateException("TcpTransport.close() would wait on its own event loop");
      }
    }
    channels.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Configures a {@link TcpTransport}. */
  public static final class Builder {
    private int threads = 0;
    private boolean preferNative = true;
    private Duration connectTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Event loop threads; 0, the default, lets Netty choose (twice the cores). */
    public Builder threads(int threads) {
      if (threads < 0) {
        throw new IllegalArgumentException("threads must be >= 0: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Whether to use native epoll when available; true by default. */
    public Builder preferNative(boolean preferNative) {
      this.preferNative = preferNative;
      return this;
    }

    /** How long a dial may take to connect; 10 s by default. */
    public Builder connectTimeout(Duration connectTimeout) {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    public TcpTransport build() {
      return new TcpTransport(this);
    }
  }
}
