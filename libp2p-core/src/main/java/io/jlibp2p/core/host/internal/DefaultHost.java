package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.connmgr.ConnectionManager;
import io.jlibp2p.core.gater.ConnectionGatedException;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EarlyStreamEnd;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.HostService;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.ObservedAddresses;
import io.jlibp2p.core.identify.internal.IdentifyService;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.resource.ResourceUsage;
import io.jlibp2p.core.resource.internal.ResourceManager;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportContext;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Host}: wires the dialer, the upgrader, the connection table, stream negotiation,
 * identify and the services together, and reports each step to the event listener.
 */
public final class DefaultHost implements Host {

  private static final Logger log = LoggerFactory.getLogger(DefaultHost.class);

  /** How long a service may take to stop before the host closes without it. */
  private static final Duration SERVICE_STOP_TIMEOUT = Duration.ofSeconds(10);

  private final HostConfig config;
  private final PeerId peerId;
  private final EventDispatcher events;
  private final ResourceManager resources;
  private final ConnectionGater gater;
  private final DialPolicy dialPolicy;
  private final InboundAdmission admission;
  private final ConnectionManagement connectionManagement;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final StreamNegotiation streams;
  private final ConnectionUpgrader upgrader;
  private final Dialer dialer;
  private final ConnectionTable table = new ConnectionTable();
  private final Peerstore peerstore;
  private final ObservedAddresses observedAddresses;
  private final IdentifyService identify;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
  /** The builder's transports, then those services added. */
  private final List<Transport> transports;
  /** What each transport is told of this host as it is added. */
  private final TransportContext transportContext;
  private final List<ServiceScheduler> serviceSchedulers = new ArrayList<>();
  /** The services whose start returned, in start order: only these are stopped. */
  private final List<HostService> started = new ArrayList<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  /** Set by {@link #closeNow()}: connections close abruptly, also those a graceful close is draining. */
  private volatile boolean abrupt;
  private final CompletableFuture<Void> closed = EventLoopGuardedFuture.incomplete("Host.closeAsync");

  public DefaultHost(HostConfig config) {
    this.config = config;
    this.peerId = PeerId.fromPublicKey(config.identity().publicKey());
    // First: a transport that belongs to another host refuses before anything here is started.
    this.transportContext = new TransportContext(config.identity(), config.resourceLimits());
    config.transports().forEach(transport -> transport.attach(transportContext));
    this.events = new EventDispatcher(config.eventListener());
    events.add(new LifecycleLog());
    events.add(new RefusalLog());
    this.resources = new ResourceManager(config.resourceLimits(), events::limitExceeded);
    this.ownsGroup = config.eventLoopGroup().isEmpty();
    this.group = config.eventLoopGroup().orElseGet(
        () -> new DefaultEventLoopGroup(1, new DefaultThreadFactory("jlibp2p-host", true)));
    this.peerstore = config.peerstore().orElseGet(() -> Peerstore.builder().clock(config.clock()).build());
    Peerstore knownPeers = this.peerstore;
    EarlyStreamEnd earlyEnd = config.earlyStreamEnd();
    this.streams = new StreamNegotiation(config.negotiationTimeout(), events,
        peer -> earlyEnd.allowedFor(peer, knownPeers.metadata(peer)));
    this.upgrader = new ConnectionUpgrader(
        config.identity(), config.secureChannels(), config.muxers(), config.upgradeTimeout(),
        config.closeGracePeriod(), events, config.connectionGater(), this::fatal);
    this.gater = config.connectionGater();
    this.dialPolicy = new DialPolicy(gater, DialBackoff.scaled(config.clock(), config.dialBackoff()));
    this.admission = new InboundAdmission(gater, resources, upgrader, streams::inboundStream, this::adopt);
    this.transports = new CopyOnWriteArrayList<>(config.transports());
    this.dialer = new Dialer(transports, upgrader, streams::inboundStream, resources);
    this.observedAddresses = new ObservedAddresses(config.clock());
    this.identify = new IdentifyService(config.identity(), config.agentVersion(), peerstore, observedAddresses,
        streams, this::listenAddressesWithoutPeerId, table::open, config.clock(), group);
    this.connectionManagement = new ConnectionManagement(config.connectionManager(), config.clock(), group);
    startServices();
  }

  private void startServices() {
    try {
      for (HostService service : config.services()) {
        ServiceScheduler scheduler = new ServiceScheduler(group);
        serviceSchedulers.add(scheduler);
        service.start(new DefaultServiceContext(this, service.name(), events, scheduler, config.clock()));
        started.add(service);
      }
    } catch (RuntimeException e) {
      // Stops the services that started, not the one that failed (it may belong to another host).
      closeAsync();
      throw e;
    }
  }

  @Override
  public Builder newBuilder() {
    return config.toBuilder();
  }

  @Override
  public PeerId peerId() {
    return peerId;
  }

  @Override
  public PrivateKey identity() {
    return config.identity();
  }

  @Override
  public Peerstore peerstore() {
    return peerstore;
  }

  @Override
  public ObservedAddresses observedAddresses() {
    return observedAddresses;
  }

  @Override
  public <T extends HostService> Optional<T> service(Class<T> type) {
    return config.services().stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  @Override
  public CompletableFuture<IdentifyInfo> identify(PeerId peer) {
    return EventLoopGuardedFuture.of("Host.identify", connectionTo(peer, peerstore.addresses(peer)).thenCompose(Connection::identify));
  }

  @Override
  public void setStreamHandler(String protocolId, StreamHandler handler) {
    streams.setHandler(protocolId, handler);
    identify.localChanged();
  }

  /** Serves {@code protocolId} for {@code service}, whose resource scope its streams count in too. */
  void setServiceStreamHandler(String service, String protocolId, StreamHandler handler) {
    streams.setServiceHandler(service, protocolId, handler);
    identify.localChanged();
  }

  @Override
  public ResourceUsage resourceUsage() {
    return resources;
  }

  /**
   * A fatal error reached the host from an event loop: it shuts down at once, loudly, rather than
   * live on as a process that serves nobody.
   */
  private void fatal(Throwable cause) {
    if (!failed.compareAndSet(false, true)) {
      return;
    }
    log.error("{} hit a fatal error on an event loop and is closing at once; the process should be restarted",
        this, cause);
    events.hostFailed(cause);
    closeNow();
  }

  @Override
  public ConnectionManager connectionManager() {
    return connectionManagement.manager();
  }

  @Override
  public void setStreamHandler(String description, Predicate<String> matcher, StreamHandler handler) {
    streams.setHandler(description, matcher, handler);
    identify.localChanged();
  }

  @Override
  public void removeStreamHandler(String protocolId) {
    streams.removeHandler(protocolId);
    identify.localChanged();
  }

  @Override
  public CompletableFuture<Void> start() {
    if (closing.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the host is closed"));
    }
    List<CompletableFuture<TransportListener>> started = config.listenOn().stream().map(this::bind).toList();
    return EventLoopGuardedFuture.of("Host.start", CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .thenRun(() -> {
          started.forEach(f -> adoptListener(f.join()));
          // A close that ran meanwhile did not see these listeners.
          List<Multiaddr> addresses = listenAddresses();
          if (closing.get()) {
            started.forEach(f -> f.join().closeAsync());
          } else if (addresses.isEmpty()) {
            log.info("host {} started; it listens on nothing and only dials", peerId);
          } else {
            log.info("host {} listening on {}", peerId, addresses.stream().map(Multiaddr::toString).collect(Collectors.joining(" ")));
          }
          identify.localChanged();
        }));
  }

  @Override
  public CompletableFuture<TransportListener> listen(Multiaddr address) {
    Objects.requireNonNull(address, "address");
    if (closing.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the host is closed"));
    }
    return EventLoopGuardedFuture.of("Host.listen", bind(address).thenApply(listener -> {
      adoptListener(listener);
      if (closing.get()) {
        listener.closeAsync();
      } else {
        log.info("host {} also listening on {}", peerId, listener.addresses());
      }
      identify.localChanged();
      return listener;
    }));
  }

  /** Listens on {@code address} with the first transport that can. */
  private CompletableFuture<TransportListener> bind(Multiaddr address) {
    Transport transport = transports.stream().filter(t -> t.canListen(address)).findFirst().orElse(null);
    if (transport == null) {
      return CompletableFuture.failedFuture(new TransportException("no transport can listen on " + address
          + "; this host's transports are " + transports.stream()
              .map(t -> t.getClass().getSimpleName()).collect(Collectors.joining(", "))
          + " (a transport may need more configuration for some addresses, as a secure WebSocket its certificate)"));
    }
    return transport.listen(address, admission::accept);
  }

  /** Counts {@code listener}'s addresses as this host's until it stops, whichever way. */
  private void adoptListener(TransportListener listener) {
    listeners.add(listener);
    List<Multiaddr> addresses = listener.addresses();
    listener.closeFuture().whenComplete((ignored, error) -> {
      if (listeners.remove(listener) && !closing.get()) {
        log.info("host {} no longer listening on {}{}", peerId, addresses,
            error == null ? "" : ": " + Futures.unwrap(error).getMessage());
        identify.localChanged();
      }
    });
  }

  /** Adds a transport a service brings; closed with the builder's. */
  void addTransport(Transport transport) {
    Objects.requireNonNull(transport, "transport").attach(transportContext);
    transports.add(transport);
  }

  @Override
  public List<Multiaddr> listenAddresses() {
    List<Multiaddr> addresses = new ArrayList<>();
    for (Multiaddr address : listenAddressesWithoutPeerId()) {
      addresses.add(peerId.appendTo(address));
    }
    return addresses;
  }

  private List<Multiaddr> listenAddressesWithoutPeerId() {
    return listeners.stream().flatMap(l -> l.addresses().stream()).toList();
  }

  @Override
  public SignedPeerRecord signedPeerRecord() {
    return identify.localInfo(Optional.empty()).signedPeerRecord().orElseThrow();
  }

  @Override
  public CompletableFuture<Connection> dial(Multiaddr address) {
    return EventLoopGuardedFuture.of("Host.dial", dialAddress(address));
  }

  private CompletableFuture<HostConnection> dialAddress(Multiaddr address) {
    Optional<PeerId> peer = PeerId.fromMultiaddr(address);
    if (peer.isEmpty()) {
      return connect(address.decapsulate(MultiaddrProtocol.P2P), Optional.empty());
    }
    peerstore.addAddresses(peer.get(), List.of(address), Peerstore.TEMPORARY_TTL);
    return connectionTo(peer.get(), List.of(address.decapsulate(MultiaddrProtocol.P2P)));
  }

  /** An open connection to {@code peer}, a pending one, or a new one on {@code addresses}. */
  private CompletableFuture<HostConnection> connectionTo(PeerId peer, List<Multiaddr> addresses) {
    return table.connectionTo(peer, () -> dialPolicy.refusePeer(peer)
        .<CompletableFuture<HostConnection>>map(CompletableFuture::failedFuture)
        .orElseGet(() -> Dialer.firstThatWorks(peer, addresses, this::connect)));
  }

  /** Dials one address, adopts the connection, and reports the dial to the event listener. */
  private CompletableFuture<HostConnection> connect(Multiaddr address, Optional<PeerId> peer) {
    if (closing.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("the host is closed"));
    }
    long startedAt = System.nanoTime();
    events.dialStarted(address, peer);
    CompletableFuture<HostConnection> dialed = dialPolicy.refuseAddress(peer, address)
        .<CompletableFuture<HostConnection>>map(CompletableFuture::failedFuture)
        .orElseGet(() -> dialer.dial(address, peer).thenApply(this::adopt));
    return dialed.whenComplete((connection, error) -> {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startedAt);
      if (error != null) {
        Throwable cause = Futures.unwrap(error);
        dialPolicy.failed(peer, address, cause);
        events.dialFailed(address, peer, cause, elapsed);
      } else {
        events.dialSucceeded(address, connection, elapsed);
      }
    });
  }

  /**
   * Tracks a new connection, makes it the one reused for its peer if there is none, starts
   * identify on it, and reports it open.
   */
  private HostConnection adopt(HostConnection connection) {
    PeerId remote = connection.remotePeer();
    if (!Gate.allows(() -> gater.allowUpgraded(connection))) {
      connection.closeNow();
      throw ConnectionGatedException.upgraded(connection);
    }
    dialPolicy.connected(remote);
    connectionManagement.track(connection);
    // Runs once the table has dropped the connection, so the listener sees the host without it.
    table.add(connection, lastToPeer -> {
      connectionManagement.closed(connection);
      if (lastToPeer) {
        peerstore.updateTtl(remote, Peerstore.CONNECTED_TTL, Peerstore.RECENTLY_CONNECTED_TTL);
      }
      events.connectionClosed(connection, connection.closeReason(), connection.lifetime());
    });
    peerstore.addPublicKey(remote, connection.remotePublicKey());
    if (connection.direction() == Direction.OUTBOUND) {
      peerstore.addAddresses(remote, List.of(connection.remoteAddress()), Peerstore.CONNECTED_TTL);
    }
    events.connectionOpened(connection, connection.upgradeTime());
    connectionManagement.opened(connection);
    connection.identify().whenComplete((info, error) -> {
      if (error == null) {
        events.identifyDone(connection, info);
        return;
      }
      events.identifyFailed(connection, error);
      for (Throwable cause = error; cause != null; cause = cause.getCause()) {
        if (cause instanceof LimitExceededException limit && limit.scope().isEmpty()) {
          events.limitExceeded(Optional.of(remote), limit);
          break;
        }
      }
    });
    if (!closing.get()) {
      identify.identify(connection);
    }
    if (closing.get()) {
      // Whoever waits for this connection's identify must not wait forever.
      connection.identify().completeExceptionally(new IdentifyException("identify with " + remote
          + " did not run: the host is closing"));
      connection.closeAsync();
    }
    return connection;
  }

  @Override
  public CompletableFuture<Stream> newStream(PeerId peer, String... protocols) {
    return openStream(connectionTo(peer, peerstore.addresses(peer)), null, protocols);
  }

  @Override
  public CompletableFuture<Stream> newStream(Multiaddr address, String... protocols) {
    return openStream(dialAddress(address), null, protocols);
  }

  @Override
  public CompletableFuture<Stream> newStream(PeerId peer, StreamHandler handler, String... protocols) {
    Objects.requireNonNull(handler, "handler");
    return openStream(connectionTo(peer, peerstore.addresses(peer)), handler, protocols);
  }

  @Override
  public CompletableFuture<Stream> newStream(Connection connection, String... protocols) {
    return openStream(CompletableFuture.completedFuture(table.own(connection)), null, protocols);
  }

  @Override
  public CompletableFuture<Stream> newStream(Connection connection, StreamHandler handler, String... protocols) {
    Objects.requireNonNull(handler, "handler");
    return openStream(CompletableFuture.completedFuture(table.own(connection)), handler, protocols);
  }

  /** What every newStream does once it knows how to get its connection; a null handler hands the stream out unread. */
  private CompletableFuture<Stream> openStream(
      CompletableFuture<HostConnection> connection, StreamHandler handler, String... protocols) {
    return EventLoopGuardedFuture.of("Host.newStream",
        connection.thenCompose(c -> streams.open(c, handler, List.of(protocols))));
  }

  @Override
  public List<Connection> connections() {
    return List.copyOf(table.open());
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (!closing.compareAndSet(false, true)) {
      return closed;
    }
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    // No new connections first; then the services, while their connections are still open; then
    // the connections. Each step runs whatever the one before did, so a failure stops nothing.
    allSettled(listeners.stream().map(listener -> attempt(listener::closeAsync, failures)).toList())
        .thenCompose(ignored -> allSettled(started.stream().map(service -> stop(service, failures)).toList()))
        .thenCompose(ignored -> {
          serviceSchedulers.forEach(ServiceScheduler::stop);
          connectionManagement.stop();
          return allSettled(table.open().stream().map(c -> abrupt ? c.closeNow() : c.closeAsync()).toList());
        })
        // Transports wait for their event loops to stop, which must not happen on one of them.
        .thenRunAsync(() -> closeTransportsAndThreads(failures), runnable -> new Thread(runnable, "jlibp2p-host-close").start())
        .whenComplete((ignored, error) -> {
          events.clear();
          if (error != null) {
            failures.add(Futures.unwrap(error));
          }
          if (failures.isEmpty()) {
            closed.complete(null);
          } else {
            IllegalStateException failure = new IllegalStateException("closing " + this + " failed; it closed what it could");
            failures.forEach(failure::addSuppressed);
            closed.completeExceptionally(failure);
          }
        });
    return closed;
  }

  @Override
  public CompletableFuture<Void> closeNow() {
    abrupt = true;
    CompletableFuture<Void> result = closeAsync();
    table.open().forEach(HostConnection::closeNow);
    return result;
  }

  /** Completes when every one of {@code futures} has, whichever way. */
  private static CompletableFuture<Void> allSettled(List<? extends CompletableFuture<?>> futures) {
    return CompletableFuture.allOf(futures.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new));
  }

  private static CompletableFuture<Void> attempt(Supplier<CompletableFuture<Void>> step, List<Throwable> failures) {
    try {
      return step.get().whenComplete((v, e) -> {
        if (e != null) {
          failures.add(Futures.unwrap(e));
        }
      });
    } catch (RuntimeException e) {
      failures.add(e);
      return CompletableFuture.completedFuture(null);
    }
  }

  private CompletableFuture<Void> stop(HostService service, List<Throwable> failures) {
    return attempt(service::stop, failures)
        .orTimeout(SERVICE_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(error -> {
          log.warn("service {} did not stop cleanly; closing the host anyway", service, error);
          return null;
        });
  }

  private void closeTransportsAndThreads(List<Throwable> failures) {
    for (Transport transport : transports) {
      try {
        transport.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (ownsGroup) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Override
  public void close() {
    if (EventLoopGuardedFuture.onNettyThread()) {
      // An event loop (a transport's or the host's) would wait here for itself to stop.
      throw new IllegalStateException(
          "Host.close() waits for the host's threads to stop, so it must not run on a Netty thread"
              + " (a stream handler, an event listener, a service timer); call closeAsync() there");
    }
    closeAsync().join();
  }

  @Override
  public String toString() {
    return "Host(" + peerId + ")";
  }
}
