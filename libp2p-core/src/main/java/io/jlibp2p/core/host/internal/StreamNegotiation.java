package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multistream.MultistreamDialerHandler;
import io.jlibp2p.multistream.MultistreamListenerHandler;
import io.jlibp2p.multistream.ProtocolRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's protocols, and the multistream-select negotiation of every stream: a listener on
 * each stream the remote opens, a dialer on each stream this side opens.
 */
public final class StreamNegotiation {

  private static final Logger log = LoggerFactory.getLogger(StreamNegotiation.class);

  private record Family(String description, Predicate<String> matcher, StreamHandler handler) {}

  private final Duration timeout;
  private final EventListener events;
  /** Whether a stream to a peer may send its end before the peer confirms its protocol. */
  private final Predicate<PeerId> mayEndEarly;
  private final Map<String, StreamHandler> exact = new ConcurrentHashMap<>();
  /** The service that serves a protocol, for the protocols services registered. */
  private final Map<String, String> serviceOf = new ConcurrentHashMap<>();
  private final List<Family> families = new CopyOnWriteArrayList<>();
  private volatile ProtocolRegistry registry = ProtocolRegistry.builder().build();
  /** What a limited connection (a relay's circuit) is served: the handlers that run there. */
  private volatile ProtocolRegistry limitedRegistry = ProtocolRegistry.builder().build();

  public StreamNegotiation(Duration timeout, EventListener events, Predicate<PeerId> mayEndEarly) {
    this.timeout = timeout;
    this.events = events;
    this.mayEndEarly = mayEndEarly;
  }

  public synchronized void setHandler(String protocolId, StreamHandler handler) {
    exact.put(protocolId, handler);
    serviceOf.remove(protocolId);
    rebuildRegistry();
  }

  /** Serves {@code protocolId} as {@code service}: its streams also count in the service's resource scope. */
  public synchronized void setServiceHandler(String service, String protocolId, StreamHandler handler) {
    setHandler(protocolId, handler);
    serviceOf.put(protocolId, service);
  }

  public synchronized void setHandler(String description, Predicate<String> matcher, StreamHandler handler) {
    families.removeIf(f -> f.description().equals(description));
    families.add(new Family(description, matcher, handler));
    rebuildRegistry();
  }

  public synchronized void removeHandler(String protocolId) {
    exact.remove(protocolId);
    serviceOf.remove(protocolId);
    families.removeIf(f -> f.description().equals(protocolId));
    rebuildRegistry();
  }

  /** The protocols served by exact ID (families cannot be listed), sorted. */
  public List<String> protocols() {
    return exact.keySet().stream().sorted().toList();
  }

  private void rebuildRegistry() {
    registry = registryOf(handler -> true);
    limitedRegistry = registryOf(StreamHandler::runsOnLimitedConnections);
  }

  private ProtocolRegistry registryOf(Predicate<StreamHandler> served) {
    ProtocolRegistry.Builder builder = ProtocolRegistry.builder();
    exact.forEach((protocol, handler) -> {
      if (served.test(handler)) {
        builder.add(protocol);
      }
    });
    families.stream().filter(f -> served.test(f.handler())).forEach(f -> builder.addMatching(f.description(), f.matcher()));
    return builder.build();
  }

  private StreamHandler handlerFor(String protocol) {
    StreamHandler handler = exact.get(protocol);
    if (handler != null) {
      return handler;
    }
    return families.stream()
        .filter(f -> f.matcher().test(protocol))
        .map(Family::handler)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no handler for " + protocol + " any more"));
  }

  /** Negotiates a stream the remote opened, then hands it to the protocol's handler. */
  public void inboundStream(Stream stream) {
    boolean limited = HostConnection.of(stream).limit().isPresent();
    stream.pipeline().addLast("protocol-select",
        MultistreamListenerHandler.builder(limited ? limitedRegistry : registry)
            .timeout(timeout)
            .onSelected((ctx, protocol) -> {
              stream.attr(Stream.PROTOCOL).set(protocol);
              if (!countInScopes(stream, protocol)) {
                stream.reset();
                return;
              }
              handlerFor(protocol).handle(stream);
              reportOpened(stream);
            })
            .build());
  }

  /**
   * Opens a stream on {@code connection} and negotiates one of {@code protocols}. With a {@code
   * handler}, it sets the stream up on selection; without one, the stream is handed out with
   * {@code autoRead} off and its first bytes held until it reads.
   */
  public CompletableFuture<Stream> open(HostConnection connection, StreamHandler handler, List<String> protocols) {
    AtomicReference<Stream> selected = new AtomicReference<>();
    AtomicReference<LimitExceededException> refused = new AtomicReference<>();
    // Only a lazy (single-protocol) dialer can send an end before the confirmation.
    boolean holdEnd = protocols.size() != 1 || !mayEndEarly(connection.remotePeer());
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder(protocols)
            .timeout(timeout)
            .holdEndUntilConfirmed(holdEnd)
            .onSelected((ctx, protocol) -> {
              Stream stream = (Stream) ctx.channel();
              stream.attr(Stream.PROTOCOL).set(protocol);
              if (ctx.handler() instanceof MultistreamDialerHandler lazyDialer && lazyDialer.isLazy()) {
                ctx.pipeline().addAfter(ctx.name(), null, new LateRefusal(connection.remotePeer(), protocols));
              }
              try {
                moveToProtocolScope(stream, protocol);
              } catch (LimitExceededException e) {
                refused.set(e);
                stream.reset();
                return;
              }
              if (handler != null) {
                handler.handle(stream);
              } else {
                stream.config().setAutoRead(false);
                ctx.pipeline().addAfter(ctx.name(), "read-gate", new ReadGate());
              }
              selected.set(stream);
            })
            .build();
    // The listener hears of the confirmation, not the selection: a lazy proposal is selected at
    // once and may be refused a round trip later. So a stream is either opened or failed, never both.
    dialer.confirmedProtocol().whenComplete((protocol, error) -> {
      if (error != null) {
        events.streamNegotiationFailed(connection, protocols, Futures.unwrap(error));
      } else if (selected.get() != null) {
        reportOpened(selected.get());
      }
    });
    return connection.openStream(dialer)
        .whenComplete((stream, error) -> {
          // A muxer's own cap; a resource scope's refusal was reported as it happened.
          if (Futures.unwrap(error) instanceof LimitExceededException limit && limit.scope().isEmpty()) {
            events.limitExceeded(Optional.of(connection.remotePeer()), limit);
          }
        })
        .thenCompose(stream -> dialer.selectedProtocol()
            .handle((protocol, error) -> {
              if (refused.get() != null) {
                throw refused.get();
              }
              if (error != null) {
                throw new ProtocolNegotiationException(connection.remotePeer(), protocols, Futures.unwrap(error));
              }
              return stream;
            }));
  }

  /** The host's {@code EarlyStreamEnd} rule for {@code peer}; a rule that throws holds the end. */
  private boolean mayEndEarly(PeerId peer) {
    try {
      return mayEndEarly.test(peer);
    } catch (RuntimeException e) {
      log.warn("the early stream end rule threw for {}; the stream's end waits for the confirmation", peer, e);
      return false;
    }
  }

  /**
   * Moves a stream whose protocol is agreed out of the transient scope into its protocol's, and
   * its service's if a service serves it.
   *
   * @throws LimitExceededException if one of them has no room (already reported by the manager)
   */
  private void moveToProtocolScope(Stream stream, String protocol) {
    stream.scope().setProtocol(protocol);
    String service = serviceOf.get(protocol);
    if (service != null) {
      stream.scope().setService(service);
    }
  }

  private boolean countInScopes(Stream stream, String protocol) {
    try {
      moveToProtocolScope(stream, protocol);
      return true;
    } catch (LimitExceededException e) {
      return false;
    }
  }

  /** Tells the listener of a stream whose protocol is agreed, and later of its end. */
  private void reportOpened(Stream stream) {
    long openedAt = System.nanoTime();
    events.streamOpened(stream);
    stream.closeFuture().addListener(f -> events.streamClosed(stream, Duration.ofNanos(System.nanoTime() - openedAt)));
  }
}
