package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.muxer.InboundStreamHandler;
import io.jlibp2p.core.resource.internal.ConnectionResources;
import io.jlibp2p.core.resource.internal.ResourceManager;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Makes outbound connections: picks the transport for an address, connects, and upgrades; for a
 * peer with several addresses, tries them in order until one works.
 */
final class Dialer {

  private final List<Transport> transports;
  private final ConnectionUpgrader upgrader;
  private final InboundStreamHandler inboundStreams;
  private final ResourceManager resources;

  Dialer(List<Transport> transports, ConnectionUpgrader upgrader, InboundStreamHandler inboundStreams,
      ResourceManager resources) {
    this.resources = resources;
    this.transports = transports;
    this.upgrader = upgrader;
    this.inboundStreams = inboundStreams;
  }

  /** Connects to {@code address} and upgrades the connection; {@code peer} must answer, if given. */
  CompletableFuture<HostConnection> dial(Multiaddr address, Optional<PeerId> peer) {
    // A transport that reaches the peer through another (a relay's circuit) needs the peer's ID in
    // the address; one that can dial that form gets it, any other the address alone.
    Multiaddr withPeer = peer.map(p -> p.appendTo(address)).orElse(address);
    Transport transport = transports.stream().filter(t -> t.canDial(withPeer)).findFirst().orElse(null);
    Multiaddr dialed = withPeer;
    if (transport == null) {
      transport = transports.stream().filter(t -> t.canDial(address)).findFirst().orElse(null);
      dialed = address;
    }
    if (transport == null) {
      return CompletableFuture.failedFuture(new TransportException("no transport can dial " + address));
    }
    // Counted before the socket exists: a dial the limits have no room for opens no descriptor.
    ConnectionResources reserved;
    try {
      reserved = resources.openConnection(Direction.OUTBOUND, address);
    } catch (LimitExceededException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<HostConnection> upgraded = new CompletableFuture<>();
    transport.dial(dialed, raw -> upgrader.upgrade(raw, peer, inboundStreams, reserved).whenComplete((c, e) -> {
      if (e != null) {
        upgraded.completeExceptionally(e);
      } else {
        upgraded.complete(c);
      }
    })).whenComplete((raw, e) -> {
      if (e != null) {
        reserved.close();
        upgraded.completeExceptionally(e);
      }
    });
    return upgraded;
  }

  /**
   * Tries {@code addresses} of {@code peer} one after the other with {@code attempt} until one
   * gives a connection; fails with the last failure.
   */
  static CompletableFuture<HostConnection> firstThatWorks(PeerId peer, List<Multiaddr> addresses,
      BiFunction<Multiaddr, Optional<PeerId>, CompletableFuture<HostConnection>> attempt) {
    return inOrder(peer, addresses, 0, null, attempt);
  }

  private static CompletableFuture<HostConnection> inOrder(PeerId peer, List<Multiaddr> addresses, int index,
      Throwable last, BiFunction<Multiaddr, Optional<PeerId>, CompletableFuture<HostConnection>> attempt) {
    if (index >= addresses.size()) {
      return CompletableFuture.failedFuture(
          last != null ? last : new TransportException("no known address for peer " + peer));
    }
    return attempt.apply(addresses.get(index), Optional.of(peer))
        .handle((connection, error) -> error == null
            ? CompletableFuture.completedFuture(connection)
            : inOrder(peer, addresses, index + 1, error, attempt))
        .thenCompose(f -> f);
  }
}
