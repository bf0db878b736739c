package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A QUIC listener: its socket's acceptance. Closing it stops accepting; the socket itself, which
 * the connections made on it (accepted or dialed) need, closes after the last of them.
 */
public final class QuicListener implements TransportListener {

  private final UdpEndpoint endpoint;
  private final List<Multiaddr> addresses;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  public QuicListener(UdpEndpoint endpoint) {
    this.endpoint = endpoint;
    this.addresses = List.of(QuicAddresses.toMultiaddr(endpoint.bound()));
    endpoint.closeFuture().whenComplete((v, e) -> closed.complete(null));
  }

  @Override
  public List<Multiaddr> addresses() {
    return addresses;
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Stops accepting; completes then, or once the socket is closed if nothing else uses it. */
  @Override
  public CompletableFuture<Void> closeAsync() {
    endpoint.stopListening();
    closed.complete(null);
    return closed;
  }
}
