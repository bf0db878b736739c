package io.jlibp2p.core.host;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.internal.ConnectionUpgrader;
import io.jlibp2p.core.host.internal.HostConnection;
import io.jlibp2p.core.host.internal.StreamNegotiation;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.ObservedAddresses;
import io.jlibp2p.core.identify.internal.IdentifyService;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A libp2p node: its identity, its transports, secure channels and muxers, its listeners, its
 * connections, and the protocols it serves.
 *
 * <p>Most applications start from {@code io.jlibp2p.Libp2p.hostBuilder()} (artifact {@code
 * libp2p}), which has the default stack, TCP, noise and yamux, configured. Built by hand:
 *
 * <pre>{@code
 * Host host = Host.builder()
 *     .transport(TcpTransport.builder().build())
 *     .secureChannel(new NoiseSecureChannel())
 *     .muxer(YamuxStreamMuxer.create())
 *     .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
 *     .build();
 * host.setStreamHandler("/echo/1.0.0", stream -> stream.pipeline().addLast(new EchoHandler()));
 * host.start().join();
 * Stream stream = host.newStream(remoteAddress, "/echo/1.0.0").join();
 * }</pre>
 *
 * <p>One live connection per peer is kept and reused for new streams; a dial to a peer that is
 * already being dialed joins that dial. {@link #close()} closes every connection, listener and
 * transport, and returns when their threads have stopped.
 */
public final class Host implements AutoCloseable {

  private final PrivateKey identity;
  private final PeerId peerId;
  private final List<Transport> transports;
  private final List<Multiaddr> listenOn;
  private final ConnectionUpgrader upgrader;
  private final StreamNegotiation streams;
  private final Peerstore peerstore;
  private final ObservedAddresses observedAddresses = new ObservedAddresses();
  private final IdentifyService identify;
  private final Map<PeerId, CompletableFuture<HostConnection>> connections = new ConcurrentHashMap<>();
  private final Set<HostConnection> allConnections = ConcurrentHashMap.newKeySet();
  private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private Host(Builder builder) {
    this.identity = builder.identity != null ? builder.identity : PrivateKey.generate();
    this.peerId = PeerId.fromPublicKey(identity.publicKey());
    this.transports = List.copyOf(builder.transports);
    this.listenOn = List.copyOf(builder.listenOn);
    this.upgrader = new ConnectionUpgrader(identity, builder.secureChannels, builder.muxers, builder.upgradeTimeout);
    this.streams = new StreamNegotiation(builder.negotiationTimeout);
    this.peerstore = builder.peerstore != null ? builder.peerstore : Peerstore.create();
    this.identify = new IdentifyService(identity, builder.agentVersion, peerstore, observedAddresses, streams,
        this::listenAddressesWithoutPeerId, () -> List.copyOf(allConnections), Clock.systemUTC());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This node's peer ID. */
  public PeerId peerId() {
    return peerId;
  }

  /** This node's identity key. */
  public PrivateKey identity() {
    return identity;
  }

  /**
   * What this host knows about other peers: addresses, keys, protocols, signed records, and what
   * identify told. {@link #newStream(PeerId, String...)} dials the addresses found here.
   */
  public Peerstore peerstore() {
    return peerstore;
  }

  /** The addresses other peers report seeing this host at, through identify. */
  public ObservedAddresses observedAddresses() {
    return observedAddresses;
  }

  /**
   * What {@code peer} said in identify on the connection to it, dialing it from the peerstore if
   * there is none. Every connection runs identify on its own; this waits for it.
   */
  public CompletableFuture<IdentifyInfo> identify(PeerId peer) {
    return connectionTo(peer, peerstore.addresses(peer)).thenCompose(Connection::identify);
  }

  /**
   * Serves {@code protocolId} with {@code handler}; replaces an earlier handler for it. Connected
   * peers learn of the new protocol through identify push.
   */
  public void setStreamHandler(String protocolId, StreamHandler handler) {
    streams.setHandler(protocolId, handler);
    identify.localChanged();
  }

  /**
   * Serves every protocol {@code matcher} accepts, such as a versioned family {@code /chat/1.*}.
   *
   * @param description names the family, for diagnostics
   */
  public void setStreamHandler(String description, Predicate<String> matcher, StreamHandler handler) {
    streams.setHandler(description, matcher, handler);
    identify.localChanged();
  }

  /** Stops serving {@code protocolId}. */
  public void removeStreamHandler(String protocolId) {
    streams.removeHandler(protocolId);
    identify.localChanged();
  }

  /** Starts listening on the configured addresses. */
  public CompletableFuture<Void> start() {
    List<CompletableFuture<TransportListener>> started = new ArrayList<>();
    for (Multiaddr address : listenOn) {
      Transport transport = transports.stream().filter(t -> t.canListen(address)).findFirst().orElse(null);
      if (transport == null) {
        return CompletableFuture.failedFuture(new TransportException("no transport can listen on " + address));
      }
      started.add(transport.listen(address, raw -> upgrader
          .upgrade(raw, Optional.empty(), streams::inboundStream)
          .thenAccept(this::adopt)));
    }
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .thenRun(() -> {
          started.forEach(f -> listeners.add(f.join()));
          identify.localChanged();
        });
  }

  /** The addresses this host listens on, each ending in {@code /p2p/<its peer ID>}. */
  public List<Multiaddr> listenAddresses() {
    List<Multiaddr> addresses = new ArrayList<>();
    for (TransportListener listener : listeners) {
      for (Multiaddr address : listener.addresses()) {
        addresses.add(peerId.appendTo(address));
      }
    }
    return addresses;
  }

  /**
   * This host's signed peer record of its current listen addresses, as identify sends it; a new
   * one, with a greater sequence number, whenever the addresses change.
   */
  public SignedPeerRecord signedPeerRecord() {
    return identify.localInfo(Optional.empty()).signedPeerRecord().orElseThrow();
  }

  private List<Multiaddr> listenAddressesWithoutPeerId() {
    return listeners.stream().flatMap(l -> l.addresses().stream()).toList();
  }

  /**
   * Connects to {@code address}. With a {@code /p2p/} suffix the remote must prove that identity,
   * and an open or pending connection to that peer is reused.
   */
  public CompletableFuture<Connection> dial(Multiaddr address) {
    return dialInternal(address).thenApply(c -> c);
  }

  private CompletableFuture<HostConnection> dialInternal(Multiaddr address) {
    Optional<PeerId> peer = PeerId.fromMultiaddr(address);
    if (peer.isEmpty()) {
      return connect(address.decapsulate(MultiaddrProtocol.P2P), Optional.empty());
    }
    peerstore.addAddresses(peer.get(), List.of(address), Peerstore.TEMPORARY_TTL);
    return connectionTo(peer.get(), List.of(address.decapsulate(MultiaddrProtocol.P2P)));
  }

  /** An open connection to {@code peer}, a pending one, or a new one on {@code addresses}. */
  private CompletableFuture<HostConnection> connectionTo(PeerId peer, List<Multiaddr> addresses) {
    while (true) {
      CompletableFuture<HostConnection> existing = connections.get(peer);
      if (existing != null && !(existing.isDone() && !usable(existing))) {
        return existing;
      }
      CompletableFuture<HostConnection> attempt = new CompletableFuture<>();
      boolean ours = existing == null ? connections.putIfAbsent(peer, attempt) == null : connections.replace(peer, existing, attempt);
      if (!ours) {
        continue;
      }
      dialInOrder(peer, addresses, 0, null).whenComplete((connection, error) -> {
        if (error != null) {
          connections.remove(peer, attempt);
          attempt.completeExceptionally(error);
        } else {
          attempt.complete(connection);
        }
      });
      return attempt;
    }
  }

  private static boolean usable(CompletableFuture<HostConnection> future) {
    return !future.isCompletedExceptionally() && future.join().isOpen();
  }

  private CompletableFuture<HostConnection> dialInOrder(PeerId peer, List<Multiaddr> addresses, int index, Throwable last) {
    if (index >= addresses.size()) {
      return CompletableFuture.failedFuture(
          last != null ? last : new TransportException("no known address for peer " + peer));
    }
    return connect(addresses.get(index), Optional.of(peer))
        .handle((connection, error) -> error == null
            ? CompletableFuture.completedFuture(connection)
            : dialInOrder(peer, addresses, index + 1, error))
        .thenCompose(f -> f);
  }

  private CompletableFuture<HostConnection> connect(Multiaddr address, Optional<PeerId> peer) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the host is closed"));
    }
    Transport transport = transports.stream().filter(t -> t.canDial(address)).findFirst().orElse(null);
    if (transport == null) {
      return CompletableFuture.failedFuture(new TransportException("no transport can dial " + address));
    }
    CompletableFuture<HostConnection> upgraded = new CompletableFuture<>();
    transport.dial(address, raw -> upgrader.upgrade(raw, peer, streams::inboundStream).whenComplete((c, e) -> {
      if (e != null) {
        upgraded.completeExceptionally(e);
      } else {
        upgraded.complete(c);
      }
    })).whenComplete((raw, e) -> {
      if (e != null) {
        upgraded.completeExceptionally(e);
      }
    });
    return upgraded.thenApply(this::adopt);
  }

  /**
   * Tracks a new connection, makes it the one reused for its peer if there is none, and starts
   * identify on it.
   */
  private HostConnection adopt(HostConnection connection) {
    PeerId remote = connection.remotePeer();
    allConnections.add(connection);
    connections.putIfAbsent(remote, CompletableFuture.completedFuture(connection));
    peerstore.addPublicKey(remote, connection.remotePublicKey());
    if (connection.direction() == Direction.OUTBOUND) {
      peerstore.addAddresses(remote, List.of(connection.remoteAddress()), Peerstore.CONNECTED_TTL);
    }
    connection.closeFuture().thenRun(() -> {
      allConnections.remove(connection);
      connections.computeIfPresent(remote, (p, f) -> f.isDone() && !f.isCompletedExceptionally() && f.join() == connection ? null : f);
      if (allConnections.stream().noneMatch(c -> c.remotePeer().equals(remote))) {
        peerstore.updateTtl(remote, Peerstore.CONNECTED_TTL, Peerstore.RECENTLY_CONNECTED_TTL);
      }
    });
    if (!closed) {
      identify.identify(connection);
    }
    if (closed) {
      connection.closeAsync();
    }
    return connection;
  }

  /**
   * Opens a stream to {@code peer} on the first of {@code protocols} it supports, reusing or
   * making a connection (from the address book).
   *
   * <p>The stream comes back with {@code autoRead} off, holding any bytes that already arrived:
   * add your handlers, then call {@code stream.config().setAutoRead(true)} or {@code
   * stream.read()}. To have handlers in place before any byte arrives, use {@link
   * #newStream(PeerId, StreamHandler, String...)}.
   */
  public CompletableFuture<Stream> newStream(PeerId peer, String... protocols) {
    return connectionTo(peer, peerstore.addresses(peer)).thenCompose(c -> streams.open(c, null, List.of(protocols)));
  }

  /** Like {@link #newStream(PeerId, String...)}, dialing {@code address} if there is no connection. */
  public CompletableFuture<Stream> newStream(Multiaddr address, String... protocols) {
    return dialInternal(address).thenCompose(c -> streams.open(c, null, List.of(protocols)));
  }

  /**
   * Opens a stream to {@code peer}; {@code handler} sets it up as soon as the protocol is chosen,
   * before any of its bytes are read, and the stream reads as usual.
   */
  public CompletableFuture<Stream> newStream(PeerId peer, StreamHandler handler, String... protocols) {
    Objects.requireNonNull(handler, "handler");
    return connectionTo(peer, peerstore.addresses(peer)).thenCompose(c -> streams.open(c, handler, List.of(protocols)));
  }

  /**
   * Opens a stream on one particular connection of this host, as {@link #newStream(PeerId,
   * String...)} does on the connection it picks.
   *
   * @throws IllegalArgumentException if {@code connection} is not one of this host's
   */
  public CompletableFuture<Stream> newStream(Connection connection, String... protocols) {
    return streams.open(own(connection), null, List.of(protocols));
  }

  /** Like {@link #newStream(PeerId, StreamHandler, String...)}, on one particular connection. */
  public CompletableFuture<Stream> newStream(Connection connection, StreamHandler handler, String... protocols) {
    Objects.requireNonNull(handler, "handler");
    return streams.open(own(connection), handler, List.of(protocols));
  }

  private HostConnection own(Connection connection) {
    if (!(connection instanceof HostConnection ours) || !allConnections.contains(ours) || !ours.isOpen()) {
      throw new IllegalArgumentException("not an open connection of this host: " + connection);
    }
    return ours;
  }

  /** The open connections. */
  public List<Connection> connections() {
    return List.copyOf(allConnections);
  }

  /** Closes every connection, listener and transport, and waits for their threads to stop. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (TransportListener listener : listeners) {
      listener.close();
    }
    for (HostConnection connection : List.copyOf(allConnections)) {
      connection.closeAsync().join();
    }
    for (Transport transport : transports) {
      transport.close();
    }
  }

  /** Configures a {@link Host}. */
  public static final class Builder {
    private PrivateKey identity;
    private final List<Transport> transports = new ArrayList<>();
    private final List<SecureChannel> secureChannels = new ArrayList<>();
    private final List<StreamMuxer> muxers = new ArrayList<>();
    private final List<Multiaddr> listenOn = new ArrayList<>();
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    private Duration negotiationTimeout = Duration.ofSeconds(10);
    private String agentVersion = Identify.DEFAULT_AGENT_VERSION;
    private Peerstore peerstore;

    private Builder() {}

    /** The agent version identify announces; {@code jlibp2p/<version>} by default. */
    public Builder agentVersion(String agentVersion) {
      this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
      return this;
    }

    /** The peerstore to fill and dial from; a new one of 10,000 peers by default. */
    public Builder peerstore(Peerstore peerstore) {
      this.peerstore = Objects.requireNonNull(peerstore, "peerstore");
      return this;
    }

    /** The node's identity key; an Ed25519 key is generated by default. */
    public Builder identity(PrivateKey identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /** Adds a transport; the host owns it and closes it. */
    public Builder transport(Transport transport) {
      transports.add(Objects.requireNonNull(transport, "transport"));
      return this;
    }

    /** Adds a secure channel, in order of preference. */
    public Builder secureChannel(SecureChannel secureChannel) {
      secureChannels.add(Objects.requireNonNull(secureChannel, "secureChannel"));
      return this;
    }

    /** Adds a stream muxer, in order of preference. */
    public Builder muxer(StreamMuxer muxer) {
      muxers.add(Objects.requireNonNull(muxer, "muxer"));
      return this;
    }

    /** Adds an address to listen on when started. */
    public Builder listenOn(Multiaddr address) {
      listenOn.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** The time each phase of a connection upgrade may take; 10 s by default. */
    public Builder upgradeTimeout(Duration timeout) {
      this.upgradeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The time a stream's protocol negotiation may take; 10 s by default. */
    public Builder negotiationTimeout(Duration timeout) {
      this.negotiationTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the host.
     *
     * @throws IllegalStateException without a transport, a secure channel and a muxer
     */
    public Host build() {
      if (transports.isEmpty() || secureChannels.isEmpty() || muxers.isEmpty()) {
        throw new IllegalStateException(
            "a host needs at least one transport, secure channel and muxer; for the default stack"
                + " (TCP, noise, yamux) start from io.jlibp2p.Libp2p.hostBuilder() in the libp2p artifact");
      }
      return new Host(this);
    }
  }
}
