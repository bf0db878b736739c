package io.jlibp2p.transport.websocket;

import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.core.transport.internal.NettyRequirement;
import io.jlibp2p.core.transport.internal.ServerChannelListener;
import io.jlibp2p.core.transport.internal.SocketChannels;
import io.jlibp2p.core.transport.internal.SocketDialer;
import io.jlibp2p.core.transport.internal.TcpAddresses;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.websocket.internal.TlsContexts;
import io.jlibp2p.transport.websocket.internal.WebSocketAddress;
import io.jlibp2p.transport.websocket.internal.WebSocketPipelines;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket transport: what browsers, and peers behind proxies that pass only HTTP(S), reach a
 * node with. It dials {@code /ip4|ip6|dns|dns4|dns6/HOST/tcp/N/ws}, the secure {@code .../wss} and
 * {@code .../tls/ws}, and {@code .../tls/sni/NAME/ws}; it listens on {@code /ip4|ip6/IP/tcp/N/ws},
 * and on {@code /wss} or {@code /tls/ws} when given a server certificate.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder()
 *     .transport(WebSocketTransport.builder()
 *         .serverCertificate(Path.of("fullchain.pem"), Path.of("privkey.pem"))
 *         .build())
 *     .listenOn(Multiaddr.fromString("/ip4/0.0.0.0/tcp/443/tls/ws"))
 *     .build();
 * }</pre>
 *
 * <p>Above the WebSocket a connection is a byte stream like TCP's, and the host upgrades it the
 * same way (noise or TLS, then yamux or mplex): the {@code wss} TLS is the web's, checked against
 * trusted authorities, and proves the server's name, not its peer ID.
 *
 * <p>Each binary frame's content is passed on as it arrives; written bytes go out as binary frames
 * of at most 64 KiB. Pings are answered, closing sends a close frame after everything written
 * before it, and a text frame, a frame larger than {@link Builder#maxFrameSize} or a message
 * larger than {@link Builder#maxMessageSize} closes the connection with a {@link
 * WebSocketException}. It owns its event loop threads, named {@code jlibp2p-ws-*}.
 */
public final class WebSocketTransport implements Transport {

  private final SocketChannels sockets;
  private final EventLoopGroup group;
  private final ChannelGroup channels;
  private final SocketDialer dialer;
  private final WebSocketPipelines pipelines;
  private final SslContext serverTls;
  private final SslContext clientTls;

  private WebSocketTransport(Builder builder) {
    NettyRequirement.check();
    this.sockets = SocketChannels.select(builder.preferNative);
    this.pipelines = new WebSocketPipelines(
        builder.maxFrameSize, builder.maxMessageSize, builder.maxUpgradeRequestSize, builder.handshakeTimeout);
    this.serverTls = builder.serverTls;
    this.clientTls = builder.clientTls != null ? builder.clientTls : TlsContexts.client((KeyStore) null);
    this.group = new MultiThreadIoEventLoopGroup(
        builder.threads, new DefaultThreadFactory("jlibp2p-ws"), sockets.ioHandlerFactory());
    this.channels = new DefaultChannelGroup("jlibp2p-ws", group.next());
    this.dialer = new SocketDialer(group, sockets, channels, builder.connectTimeout, a -> closedError("dial", a));
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean canDial(Multiaddr address) {
    return WebSocketAddress.parseDialable(address) != null;
  }

  /** Whether it can listen on {@code address}; a secure one needs the builder's server certificate. */
  @Override
  public boolean canListen(Multiaddr address) {
    WebSocketAddress parsed = WebSocketAddress.parseListenable(address);
    return parsed != null && (!parsed.secure() || serverTls != null);
  }

  /** A closed transport's threads are gone, so a dial could never complete; say so instead. */
  private TransportException closedError(String what, Multiaddr address) {
    return new TransportException("cannot " + what + " " + address + ": this WebSocketTransport is closed (the host"
        + " that owned it has closed); give each host a transport of its own, for example from a new builder");
  }

  @Override
  public CompletableFuture<RawConnection> dial(Multiaddr address, RawConnectionHandler handler) {
    if (group.isShuttingDown()) {
      return CompletableFuture.failedFuture(closedError("dial", address));
    }
    WebSocketAddress target = WebSocketAddress.parseDialable(address);
    if (target == null) {
      return CompletableFuture.failedFuture(new TransportException("WebSocket cannot dial " + address
          + ": expected /ip4|ip6|dns|dns4|dns6/<host>/tcp/<port> followed by /ws, /wss, /tls/ws or /tls/sni/<name>/ws"));
    }
    if (target.requestUri() == null) {
      return CompletableFuture.failedFuture(new TransportException("WebSocket cannot dial " + address + ": "
          + target.hostHeader() + " cannot be the host of an HTTP request (an /sni name must be a DNS name)"));
    }
    return dialer.dial(target.tcp(), target.multiaddr(),
        (channel, connected) -> pipelines.client(channel, target, clientTls, handler, connected));
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address, RawConnectionHandler handler) {
    if (group.isShuttingDown()) {
      return CompletableFuture.failedFuture(closedError("listen on", address));
    }
    WebSocketAddress listening = WebSocketAddress.parseListenable(address);
    if (listening == null) {
      return CompletableFuture.failedFuture(new TransportException("WebSocket cannot listen on " + address
          + ": expected /ip4|ip6/<ip>/tcp/<port> followed by /ws, /wss or /tls/ws"));
    }
    if (listening.secure() && serverTls == null) {
      return CompletableFuture.failedFuture(new TransportException("cannot listen on " + address
          + ": a secure WebSocket needs a server certificate; give one to WebSocketTransport.builder()"
          + ".serverCertificate(...)"));
    }
    InetSocketAddress local = new InetSocketAddress(TcpAddresses.literalAddress(listening.tcp()), listening.port());
    return ServerChannelListener.bind(group, sockets, channels, local, address,
        ch -> pipelines.server(ch, listening, serverTls, handler), listening::at);
  }

  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return;
    }
    for (EventExecutor executor : group) {
      if (executor.inEventLoop()) {
        throw new IllegalStateException("WebSocketTransport.close() would wait on its own event loop");
      }
    }
    channels.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Configures a {@link WebSocketTransport}. */
  public static final class Builder {
    /** The least {@link #maxFrameSize} and {@link #maxMessageSize}: 64 KiB. */
    private static final int MIN_FRAME_SIZE = 64 * 1024;

    private int threads = 0;
    private boolean preferNative = true;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private int maxFrameSize = 1 << 20;
    private long maxMessageSize = 16L << 20;
    private int maxUpgradeRequestSize = 8 * 1024;
    private SslContext serverTls;
    private SslContext clientTls;

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

    /** How long a dial may take to connect its socket; 10 s by default. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long a connected socket may take to open its WebSocket, TLS included, in either
     * direction; 10 s by default. A peer that connects and sends nothing is closed after it.
     */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = positive(handshakeTimeout, "handshakeTimeout");
      return this;
    }

    /**
     * The largest frame accepted, which is held whole until it has arrived; 1 MiB by default, and
     * at least 64 KiB, the size of the frames go, js and jlibp2p itself write (each of what they
     * write at once), which a smaller limit would refuse under load.
     */
    public Builder maxFrameSize(int maxFrameSize) {
      if (maxFrameSize < MIN_FRAME_SIZE) {
        throw new IllegalArgumentException("maxFrameSize must be at least " + MIN_FRAME_SIZE
            + ", the frame size other peers write: " + maxFrameSize);
      }
      this.maxFrameSize = maxFrameSize;
      return this;
    }

    /**
     * The most bytes one message may carry, all its fragments together; 16 MiB by default, and at
     * least 64 KiB. Fragments are passed on as they arrive, so this bounds a broken peer, not
     * memory.
     */
    public Builder maxMessageSize(long maxMessageSize) {
      if (maxMessageSize < MIN_FRAME_SIZE) {
        throw new IllegalArgumentException("maxMessageSize must be at least " + MIN_FRAME_SIZE + ": " + maxMessageSize);
      }
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    /** The most bytes of the HTTP upgrade's headers, received or sent; 8 KiB by default. */
    public Builder maxUpgradeRequestSize(int maxUpgradeRequestSize) {
      if (maxUpgradeRequestSize < 1024) {
        throw new IllegalArgumentException("maxUpgradeRequestSize must be at least 1024: " + maxUpgradeRequestSize);
      }
      this.maxUpgradeRequestSize = maxUpgradeRequestSize;
      return this;
    }

    /**
     * The certificate to serve {@code wss} and {@code /tls/ws} with: a key store holding the
     * private key and its certificate chain (PKCS#12 or JKS).
     *
     * @throws IllegalArgumentException if the store holds no usable key under {@code password}
     */
    public Builder serverCertificate(KeyStore keyStore, char[] password) {
      Objects.requireNonNull(keyStore, "keyStore");
      this.serverTls = TlsContexts.server(keyStore, password);
      return this;
    }

    /**
     * The certificate to serve {@code wss} and {@code /tls/ws} with, from PEM files: the chain,
     * the server's certificate first (as Let's Encrypt's {@code fullchain.pem}), and its
     * unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}).
     *
     * @throws IllegalArgumentException if a file cannot be read or holds no certificate or key
     */
    public Builder serverCertificate(Path certificateChainPem, Path privateKeyPem) {
      Objects.requireNonNull(certificateChainPem, "certificateChainPem");
      Objects.requireNonNull(privateKeyPem, "privateKeyPem");
      this.serverTls = TlsContexts.server(certificateChainPem, privateKeyPem);
      return this;
    }

    /**
     * The authorities a dialed {@code wss} server's certificate must chain to; the JDK's default
     * trust store when neither this nor {@link #trustedCertificates(Path)} is set, and the last
     * one set wins. The server's name is always checked against its certificate.
     *
     * @throws IllegalArgumentException if the store cannot be used
     */
    public Builder trustStore(KeyStore trustStore) {
      this.clientTls = TlsContexts.client(Objects.requireNonNull(trustStore, "trustStore"));
      return this;
    }

    /**
     * Like {@link #trustStore(KeyStore)}, from a PEM file of the authorities' certificates: a
     * private authority's, or a self-signed server's own.
     *
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public Builder trustedCertificates(Path certificatesPem) {
      this.clientTls = TlsContexts.client(Objects.requireNonNull(certificatesPem, "certificatesPem"));
      return this;
    }

    public WebSocketTransport build() {
      return new WebSocketTransport(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}
