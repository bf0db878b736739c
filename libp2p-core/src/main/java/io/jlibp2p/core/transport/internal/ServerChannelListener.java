package io.jlibp2p.core.transport.internal;

import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.channel.Channel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A bound server socket of a TCP-based transport, listening on the one address it reports. */
public final class ServerChannelListener implements TransportListener {

  private final Channel serverChannel;
  private final List<Multiaddr> addresses;

  /** @param address the address it is bound to, with the port the system chose */
  public ServerChannelListener(Channel serverChannel, Multiaddr address) {
    this.serverChannel = serverChannel;
    this.addresses = List.of(address);
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
