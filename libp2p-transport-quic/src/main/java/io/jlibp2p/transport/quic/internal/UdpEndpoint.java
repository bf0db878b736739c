package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportUpgrade;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP socket and the QUIC connections on it: those it accepts, if it listens, and those
 * dialed from it. It stays open while it listens or any of its connections (or dials under way)
 * does, and closes after the last one. Counting happens on the socket's event loop.
 */
public final class UdpEndpoint {

  private static final Logger log = LoggerFactory.getLogger(UdpEndpoint.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Receives each connection the socket accepts, once its handshake is done. */
  @FunctionalInterface
  public interface Acceptor {
    void accepted(RawConnection connection);
  }

  private final DatagramChannel channel;
  private final QuicTls tls;
  private final QuicSettings settings;
  private final ConnectionIdRouter router;
  private final InetSocketAddress bound;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Acceptor acceptor;
  private int users;

  private UdpEndpoint(DatagramChannel channel, QuicTls tls, QuicSettings settings, ConnectionIdRouter router) {
    this.channel = channel;
    this.tls = tls;
    this.settings = settings;
    this.router = router;
    this.bound = (InetSocketAddress) channel.localAddress();
    channel.closeFuture().addListener(f -> closed.complete(null));
  }

  /**
   * Binds a socket to {@code address}; with an {@code acceptor} it also accepts connections,
   * until {@link #stopListening()}.
   */
  public static CompletableFuture<UdpEndpoint> bind(EventLoopGroup group, ChannelFactory<? extends DatagramChannel> sockets,
      InetSocketAddress address, QuicTls tls, QuicSettings settings, Acceptor acceptor) {
    CompletableFuture<UdpEndpoint> result = new CompletableFuture<>();
    boolean serving = acceptor != null;
    ConnectionIdRouter router = new ConnectionIdRouter(serving);
    UdpEndpoint[] self = new UdpEndpoint[1];
    Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(sockets)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast("quic-router", router);
            if (serving) {
              ch.pipeline().addLast("quic-server", settings.configure(new QuicServerCodecBuilder())
                  .sslEngineProvider(tls.serverEngines())
                  .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel connection) {
                      QuicMuxing.attach(connection);
                      // A handshake that fails at the remote, or never ends, would otherwise hold
                      // this connection (some 20 KiB, and quiche's state) until the idle timeout:
                      // a dialer that refuses the certificate does not say so.
                      ScheduledFuture<?> deadline = connection.eventLoop().schedule(
                          () -> { connection.close(); }, settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
                      connection.closeFuture().addListener(closed -> deadline.cancel(false));
                      connection.pipeline().addLast(new HandshakeDone(() -> {
                        deadline.cancel(false);
                        if (self[0] == null) {
                          connection.close();
                        } else {
                          self[0].accept(connection);
                        }
                      }));
                    }
                  })
                  .streamHandler(QuicMuxing.InboundStreams.INSTANCE)
                  .build());
            }
            ch.pipeline().addLast("quic-client-entry", new ChannelInboundHandlerAdapter() {
              @Override
              public void handlerAdded(ChannelHandlerContext ctx) {
                router.clientEntry(ctx);
              }
            });
            ch.pipeline().addLast("quic-client", settings.configure(new QuicClientCodecBuilder())
                .sslEngineProvider(tls.clientEngines())
                .build());
          }
        });
    bootstrap.bind(address).addListener(f -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(f.cause());
        return;
      }
      // On the socket's event loop, before its first read: accept() finds the endpoint.
      UdpEndpoint endpoint = new UdpEndpoint((DatagramChannel) ((io.netty.channel.ChannelFuture) f).channel(),
          tls, settings, router);
      endpoint.acceptor = acceptor;
      self[0] = endpoint;
      result.complete(endpoint);
    });
    return result;
  }

  private void accept(QuicChannel connection) {
    Acceptor current = acceptor;
    if (current == null) {
      connection.close();
      return;
    }
    retain();
    connection.closeFuture().addListener(f -> release());
    SecureSession session;
    try {
      session = tls.session(connection, QuicMuxing.PROTOCOL_ID);
    } catch (SecurityHandshakeException e) {
      log.debug("QUIC connection from {} refused: {}", connection.remoteSocketAddress(), e.getMessage());
      connection.close();
      return;
    }
    RawConnection raw = rawConnection(connection, Direction.INBOUND, session);
    try {
      current.accepted(raw);
    } catch (RuntimeException e) {
      log.warn("the handler of an accepted QUIC connection failed; closing it", e);
      connection.close();
    }
  }

  private RawConnection rawConnection(QuicChannel connection, Direction direction, SecureSession session) {
    Multiaddr local = QuicAddresses.toMultiaddr(localAddressOf(connection));
    Multiaddr remote = QuicAddresses.toMultiaddr((InetSocketAddress) connection.remoteSocketAddress());
    QuicMuxing muxing = connection.attr(QuicMuxing.key()).get();
    return RawConnection.upgraded(connection, local, remote, direction, new TransportUpgrade(session, muxing));
  }

  private InetSocketAddress localAddressOf(QuicChannel connection) {
    InetSocketAddress local = (InetSocketAddress) connection.localSocketAddress();
    return local == null || local.getAddress().isAnyLocalAddress() ? bound : local;
  }

  /**
   * Dials {@code remote} from this socket, expecting {@code peer} if named. {@code handler} sees
   * the connection on its event loop once the handshake is done; the future completes after.
   */
  public CompletableFuture<RawConnection> dial(Multiaddr address, InetSocketAddress remote, Optional<PeerId> peer,
      RawConnectionHandler handler) {
    CompletableFuture<RawConnection> result = new CompletableFuture<>();
    channel.eventLoop().execute(() -> {
      if (!channel.isActive()) {
        result.completeExceptionally(new TransportException("dial " + address + ": the QUIC socket " + bound + " is closed"));
        return;
      }
      byte[] id = new byte[ConnectionIdRouter.CONNECTION_ID_LENGTH];
      RANDOM.nextBytes(id);
      router.addDial(id);
      retain();
      AtomicBoolean done = new AtomicBoolean();
      QuicChannel[] dialing = new QuicChannel[1];
      Runnable finished = () -> {
        if (done.compareAndSet(false, true)) {
          router.removeDial(id);
          release();
        }
      };
      QuicChannel.newBootstrap(channel)
          .handler(new ChannelInitializer<QuicChannel>() {
            @Override
            protected void initChannel(QuicChannel connection) {
              QuicMuxing.attach(connection);
              dialing[0] = connection;
              connection.closeFuture().addListener(f -> channel.eventLoop().execute(finished));
            }
          })
          .streamHandler(QuicMuxing.InboundStreams.INSTANCE)
          .attr(QuicTls.EXPECTED_PEER, peer.orElse(null))
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.handshakeTimeout().toMillis())
          .localConnectionAddress(new QuicConnectionAddress(id))
          .remoteAddress(remote)
          .connect()
          .addListener(connected -> {
            if (!connected.isSuccess()) {
              if (dialing[0] != null) {
                // Whatever state the failed handshake left it in, it goes now, not at the idle timeout.
                dialing[0].close();
              }
              finished.run();
              result.completeExceptionally(dialFailure(address, connected.cause(), dialing[0]));
              return;
            }
            QuicChannel connection = (QuicChannel) connected.getNow();
            if (result.isDone()) {
              connection.close(); // given up on meanwhile
              return;
            }
            try {
              RawConnection raw = rawConnection(connection, Direction.OUTBOUND,
                  tls.session(connection, QuicMuxing.PROTOCOL_ID));
              handler.connected(raw);
              if (!result.complete(raw)) {
                connection.close();
              }
            } catch (SecurityHandshakeException e) {
              connection.close();
              result.completeExceptionally(new TransportException("dial " + address + ": " + e.getMessage(), e));
            } catch (RuntimeException e) {
              connection.close();
              result.completeExceptionally(e);
            }
          });
    });
    return result;
  }

  /** The certificate's refusal, if the handshake failed on it; otherwise what QUIC reported. */
  private TransportException dialFailure(Multiaddr address, Throwable cause, QuicChannel connection) {
    Optional<SecurityHandshakeException> rejection =
        connection == null ? Optional.empty() : tls.rejection(connection);
    if (rejection.isPresent()) {
      return new TransportException("dial " + address + ": " + rejection.get().getMessage(), rejection.get());
    }
    return new TransportException("dial " + address + ": " + "QUIC dial failed: " + cause.getMessage(), cause);
  }

  private void retain() {
    users++;
  }

  private void release() {
    users--;
    closeIfUnused();
  }

  private void closeIfUnused() {
    if (users == 0 && acceptor == null) {
      channel.close();
    }
  }

  /** Accepts no more connections; the socket closes once its connections have. */
  public CompletableFuture<Void> stopListening() {
    channel.eventLoop().execute(() -> {
      acceptor = null;
      closeIfUnused();
    });
    return closed;
  }

  /** Closes the socket and every connection on it. */
  public CompletableFuture<Void> close() {
    channel.close();
    return closed;
  }

  /** Completes when the socket has closed. */
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** The address the socket is bound to. */
  public InetSocketAddress bound() {
    return bound;
  }

  /** Whether it accepts connections. */
  public boolean listening() {
    return acceptor != null;
  }

  /** Fires {@code done} when the QUIC handshake has completed (the channel turns active). */
  private static final class HandshakeDone extends ChannelInboundHandlerAdapter {
    private final Runnable done;

    HandshakeDone(Runnable done) {
      this.done = done;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.pipeline().remove(this);
      done.run();
      ctx.fireChannelActive();
    }
  }
}
