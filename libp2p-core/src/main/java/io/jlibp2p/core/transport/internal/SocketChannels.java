package io.jlibp2p.core.transport.internal;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket implementation: native epoll where Netty can load it (Linux), NIO elsewhere. Fewer
 * copies and syscalls with epoll; identical behaviour otherwise.
 */
public record SocketChannels(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends SocketChannel> socketChannel,
    Class<? extends ServerSocketChannel> serverSocketChannel) {

  /** Epoll when {@code preferNative} and it is available, else NIO. */
  public static SocketChannels select(boolean preferNative) {
    if (preferNative && Epoll.isAvailable()) {
      return new SocketChannels(
          "epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class, EpollServerSocketChannel.class);
    }
    return new SocketChannels(
        "nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class);
  }
}
