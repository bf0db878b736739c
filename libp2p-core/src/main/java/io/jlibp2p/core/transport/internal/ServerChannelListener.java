package io.jlibp2p.core.transport.internal;

import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/** A bound server socket of a TCP-based transport, listening on the one address it reports. */
public final class ServerChannelListener implements TransportListener {

  private final Channel serverChannel;
  private final List<Multiaddr> addresses;
  /** Completes as the server channel closes, whoever closes it. */
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  /** @param address the address it is bound to, with the port the system chose */
  public ServerChannelListener(Channel serverChannel, Multiaddr address) {
    this.serverChannel = serverChannel;
    this.addresses = List.of(address);
    serverChannel.closeFuture().addListener(f -> closed.complete(null));
  }

  /**
   * Binds a server socket on {@code group} at {@code local}, as a transport on TCP sockets
   * listens: each accepted channel, and the server channel itself, joins {@code channels} (for the
   * transport's close) and {@code childPipeline} sets the accepted one up. Bind failures name
   * {@code requested}.
   *
   * @param reported the address to report for the bound socket, the port the system chose in it
   */
  public static CompletableFuture<TransportListener> bind(EventLoopGroup group, SocketChannels sockets,
      ChannelGroup channels, InetSocketAddress local, Multiaddr requested, Consumer<Channel> childPipeline,
      Function<InetSocketAddress, Multiaddr> reported) {
    CompletableFuture<TransportListener> bound = new CompletableFuture<>();
    ChannelFuture bind = new ServerBootstrap()
        .group(group)
        .channel(sockets.serverSocketChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            channels.add(ch);
            childPipeline.accept(ch);
          }
        })
        .bind(local);
    bind.addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        channels.add(f.channel());
        bound.complete(new ServerChannelListener(f.channel(), reported.apply((InetSocketAddress) f.channel().localAddress())));
      } else {
        bound.completeExceptionally(
            new TransportException("listening on " + requested + " failed: " + f.cause().getMessage(), f.cause()));
      }
    });
    return bound;
  }

  @Override
  public List<Multiaddr> addresses() {
    return addresses;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    serverChannel.close();
    return closed;
  }
}
