package io.jlibp2p.transport.tcp.internal;

import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A bound server socket. */
public final class TcpListener implements TransportListener {

  private final Channel serverChannel;
  private final List<Multiaddr> addresses;

  public TcpListener(Channel serverChannel) {
    this.serverChannel = serverChannel;
    this.addresses = List.of(TcpAddresses.toMultiaddr((InetSocketAddress) serverChannel.localAddress()));
  }

  @Override
  public List<Multiaddr> addresses() {
    return addresses;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    serverChannel.close().addListener(f -> closed.complete(null));
    return closed;
  }
}
