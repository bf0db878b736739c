package io.jlibp2p.core.transport.internal;

import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * How a transport on TCP sockets dials: the name resolved off the event loops, the socket
 * connected on the transport's group, and the pipeline set up by the transport, which completes
 * the dial's future when it hands the connection over.
 *
 * <p>Every path ends the dial: a failed resolution or connect fails it, a transport closed while
 * the name resolves fails it with the transport's own message (a closed group could not even run
 * Netty's failure listener), and a dial its caller cancels or times out closes the socket.
 */
public final class SocketDialer {

  private final EventLoopGroup group;
  private final SocketChannels sockets;
  private final ChannelGroup channels;
  private final Duration connectTimeout;
  private final Function<Multiaddr, TransportException> closedError;

  /**
   * @param channels where each dialed channel is added, for the transport's close
   * @param closedError the failure of a dial that finds the transport closed
   */
  public SocketDialer(EventLoopGroup group, SocketChannels sockets, ChannelGroup channels, Duration connectTimeout,
      Function<Multiaddr, TransportException> closedError) {
    this.group = group;
    this.sockets = sockets;
    this.channels = channels;
    this.connectTimeout = connectTimeout;
    this.closedError = closedError;
  }

  /**
   * Dials the socket of {@code tcp} ({@code /ip4|ip6|dns|dns4|dns6/HOST/tcp/PORT}), naming {@code
   * dialed} in failures. {@code pipeline} sets up the new channel and completes the future it is
   * given once the connection is handed over, or fails it; that future is the one returned. When
   * it fails, cancelled by the caller included, the socket is closed.
   */
  public CompletableFuture<RawConnection> dial(Multiaddr tcp, Multiaddr dialed,
      BiConsumer<Channel, CompletableFuture<RawConnection>> pipeline) {
    CompletableFuture<RawConnection> connected = new CompletableFuture<>();
    InetAddress literal = TcpAddresses.literalAddress(tcp);
    CompletableFuture<InetAddress> resolved = literal != null
        ? CompletableFuture.completedFuture(literal)
        // Name resolution blocks, so it must not run on an event loop.
        : CompletableFuture.supplyAsync(() -> resolveOrFail(tcp, dialed));
    resolved.whenComplete((ip, failure) -> {
      if (failure != null) {
        connected.completeExceptionally(failure instanceof CompletionException wrapped ? wrapped.getCause() : failure);
      } else if (!connected.isDone()) {
        connect(new InetSocketAddress(ip, TcpAddresses.port(tcp)), dialed, pipeline, connected);
      }
    });
    return connected;
  }

  private void connect(InetSocketAddress socket, Multiaddr dialed,
      BiConsumer<Channel, CompletableFuture<RawConnection>> pipeline, CompletableFuture<RawConnection> connected) {
    if (group.isShuttingDown()) {
      connected.completeExceptionally(closedError.apply(dialed));
      return;
    }
    ChannelFuture connect = new Bootstrap()
        .group(group)
        .channel(sockets.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            channels.add(ch);
            pipeline.accept(ch, connected);
          }
        })
        .connect(socket);
    Channel channel = connect.channel();
    connected.whenComplete((connection, failure) -> {
      if (failure != null) {
        channel.close();
      }
    });
    connect.addListener((ChannelFuture f) -> failUnlessConnected(f, dialed, connected));
    // The group may have closed between the check above and the connect: then Netty could not run
    // the listener, and the future is already done.
    failUnlessConnected(connect, dialed, connected);
  }

  private void failUnlessConnected(ChannelFuture connect, Multiaddr dialed, CompletableFuture<RawConnection> connected) {
    if (connect.isDone() && !connect.isSuccess()) {
      connected.completeExceptionally(group.isShuttingDown()
          ? closedError.apply(dialed)
          : new TransportException("dialing " + dialed + " failed: " + connect.cause().getMessage(), connect.cause()));
    }
  }

  private static InetAddress resolveOrFail(Multiaddr tcp, Multiaddr dialed) {
    try {
      return TcpAddresses.resolve(tcp);
    } catch (UnknownHostException e) {
      throw new TransportException("cannot resolve " + dialed + ": " + e.getMessage(), e);
    }
  }
}
