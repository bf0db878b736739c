package io.jlibp2p.transport.quic;

import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportContext;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.core.transport.internal.SocketChannels;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.quic.internal.QuicAddresses;
import io.jlibp2p.transport.quic.internal.QuicListener;
import io.jlibp2p.transport.quic.internal.QuicSettings;
import io.jlibp2p.transport.quic.internal.QuicTls;
import io.jlibp2p.transport.quic.internal.UdpEndpoint;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.Quic;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * QUIC v1 ({@code /ip4|ip6/<ip>/udp/<port>/quic-v1}, RFC 9000) on Netty's QUIC codec: each
 * connection is secured with libp2p TLS (the same certificate and checks as {@code /tls/1.0.0})
 * and multiplexed by QUIC's own streams, so the host negotiates neither; it is up after one
 * round trip. Port 0 reports the port the system chose.
 *
 * <p>One UDP socket per listen address, and dials leave from a listener's socket when one can
 * reach the address (a NAT then maps them to the port peers already know); otherwise from a socket
 * of their own, shared by all such dials and closed after the last of their connections.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder()
 *     .transport(QuicTransport.builder().build())
 *     .listenOn(Multiaddr.fromString("/ip4/0.0.0.0/udp/4001/quic-v1"))
 *     .build();
 * }</pre>
 *
 * <p>A transport belongs to one host, which tells it its identity before the first dial or
 * listen ({@link #attach}).
 */
public final class QuicTransport implements Transport {

  /** The defaults of {@link Builder}. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** Dials give up on a handshake after this long by default. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** QUIC's own limit of streams a remote may have open, at most; the host's limits may lower it. */
  public static final int DEFAULT_MAX_INBOUND_STREAMS = 256;

  private static final long CONNECTION_WINDOW = 16L << 20;
  private static final long STREAM_WINDOW = 4L << 20;

  private final Builder config;
  private final EventLoopGroup group;
  private final ChannelFactory<? extends DatagramChannel> sockets;
  private final List<UdpEndpoint> listeners = new ArrayList<>();
  /** The dial-only sockets, one per address family while used: [IPv4, IPv6]. */
  private final CompletableFuture<UdpEndpoint>[] dialSockets;
  private QuicTls tls;
  private QuicSettings settings;
  private boolean closed;

  @SuppressWarnings("unchecked")
  private QuicTransport(Builder config) {
    if (!Quic.isAvailable()) {
      throw new IllegalStateException("Netty's native QUIC library does not load on " + System.getProperty("os.name")
          + " " + System.getProperty("os.arch") + ": " + Quic.unavailabilityCause(), Quic.unavailabilityCause());
    }
    this.config = config;
    boolean epoll = config.preferNative && Epoll.isAvailable();
    this.group = new MultiThreadIoEventLoopGroup(config.threads, new DefaultThreadFactory("jlibp2p-quic", true),
        SocketChannels.select(epoll).ioHandlerFactory());
    this.sockets = epoll ? EpollDatagramChannel::new : NioDatagramChannel::new;
    this.dialSockets = new CompletableFuture[2];
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether Netty's native QUIC library loads on this platform (Linux, macOS and Windows on the
   * architectures its classifiers name); without it, {@link Builder#build()} fails.
   */
  public static boolean isAvailable() {
    return Quic.isAvailable();
  }

  @Override
  public synchronized void attach(TransportContext context) {
    if (tls != null) {
      if (!tls.identity().equals(context.identity())) {
        throw new IllegalStateException("this QuicTransport belongs to another host; give each host its own");
      }
      return;
    }
    int streams = Math.max(1, Math.min(config.maxInboundStreams, context.limits().connection().streamsInbound()));
    this.settings = new QuicSettings(config.idleTimeout, config.handshakeTimeout, streams, CONNECTION_WINDOW, STREAM_WINDOW);
    this.tls = new QuicTls(context.identity(), Clock.systemUTC());
  }

  @Override
  public boolean canDial(Multiaddr address) {
    return QuicAddresses.isDialable(address);
  }

  @Override
  public boolean canListen(Multiaddr address) {
    return QuicAddresses.isListenable(address);
  }

  @Override
  public CompletableFuture<RawConnection> dial(Multiaddr address, RawConnectionHandler handler) {
    if (!canDial(address)) {
      return CompletableFuture.failedFuture(new TransportException("QUIC cannot dial " + address));
    }
    QuicTls identity;
    synchronized (this) {
      identity = tls;
    }
    if (identity == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("the QuicTransport has no host yet"));
    }
    InetSocketAddress remote = QuicAddresses.socketAddress(address);
    Multiaddr reported = QuicAddresses.withoutPeer(address);
    return socketFor(remote).thenCompose(
        endpoint -> endpoint.dial(reported, remote, QuicAddresses.peer(address), handler));
  }

  /** A listener's socket that can reach {@code remote}, else the shared dialing socket of its family. */
  private synchronized CompletableFuture<UdpEndpoint> socketFor(InetSocketAddress remote) {
    if (closed) {
      return CompletableFuture.failedFuture(new TransportException("the QUIC transport is closed"));
    }
    InetAddress to = remote.getAddress();
    for (UdpEndpoint listener : listeners) {
      InetAddress from = listener.bound().getAddress();
      boolean sameFamily = (from instanceof Inet4Address) == (to instanceof Inet4Address);
      if (sameFamily && listener.listening()
          && (from.isAnyLocalAddress() || from.isLoopbackAddress() == to.isLoopbackAddress())) {
        return CompletableFuture.completedFuture(listener);
      }
    }
    int family = to instanceof Inet4Address ? 0 : 1;
    CompletableFuture<UdpEndpoint> shared = dialSockets[family];
    if (shared == null || shared.isCompletedExceptionally()
        || shared.isDone() && shared.join().closeFuture().isDone()) {
      InetAddress any = family == 0 ? anyIpv4() : anyIpv6();
      shared = UdpEndpoint.bind(group, sockets, new InetSocketAddress(any, 0), tls, settings, null);
      dialSockets[family] = shared;
    }
    return shared;
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, RawConnectionHandler handler) {
    if (!canListen(address)) {
      return CompletableFuture.failedFuture(new TransportException("QUIC cannot listen on " + address));
    }
    synchronized (this) {
      if (tls == null) {
        return CompletableFuture.failedFuture(new IllegalStateException("the QuicTransport has no host yet"));
      }
      if (closed) {
        return CompletableFuture.failedFuture(new TransportException("the QUIC transport is closed"));
      }
    }
    return UdpEndpoint.bind(group, sockets, QuicAddresses.socketAddress(address), tls, settings, handler::connected)
        .handle((endpoint, error) -> {
          if (error != null) {
            throw new java.util.concurrent.CompletionException(
                new TransportException("cannot listen on " + address + ": " + error.getMessage(), error));
          }
          synchronized (this) {
            listeners.add(endpoint);
          }
          endpoint.closeFuture().whenComplete((v, e) -> {
            synchronized (this) {
              listeners.remove(endpoint);
            }
          });
          return new QuicListener(endpoint);
        });
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (UdpEndpoint listener : listeners) {
        closing.add(listener.close());
      }
      for (CompletableFuture<UdpEndpoint> shared : dialSockets) {
        if (shared != null && shared.isDone() && !shared.isCompletedExceptionally()) {
          closing.add(shared.join().close());
        }
      }
    }
    CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).join();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static InetAddress anyIpv4() {
    return new InetSocketAddress("0.0.0.0", 0).getAddress();
  }

  private static InetAddress anyIpv6() {
    return new InetSocketAddress("::", 0).getAddress();
  }

  /** Settings of a {@link QuicTransport}; each has a default. */
  public static final class Builder {
    private int threads = 1;
    private boolean preferNative = true;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private int maxInboundStreams = DEFAULT_MAX_INBOUND_STREAMS;

    private Builder() {}

    /** The event loop threads every socket and connection share; 1 by default. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, not " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Whether to use epoll's datagram sockets where available (Linux); NIO otherwise. */
    public Builder preferNative(boolean preferNative) {
      this.preferNative = preferNative;
      return this;
    }

    /**
     * A connection that hears nothing for this long closes; 30 s
     * by default. The smaller of both sides' values applies.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = positive(idleTimeout, "idleTimeout");
      return this;
    }

    /** A dial whose QUIC handshake has not completed by then fails; 10 s by default. */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = positive(handshakeTimeout, "handshakeTimeout");
      return this;
    }

    /**
     * How many streams a remote may have open on one connection, enforced by QUIC itself; at most
     * the host's per-connection inbound stream limit. 256 by default.
     */
    public Builder maxInboundStreams(int maxInboundStreams) {
      if (maxInboundStreams < 1) {
        throw new IllegalArgumentException("maxInboundStreams must be at least 1, not " + maxInboundStreams);
      }
      this.maxInboundStreams = maxInboundStreams;
      return this;
    }

    /**
     * Builds the transport, starting its threads.
     *
     * @throws IllegalStateException if Netty's native QUIC library does not load here
     *     ({@link QuicTransport#isAvailable()})
     */
    public QuicTransport build() {
      return new QuicTransport(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, not " + value);
      }
      return value;
    }
  }
}
