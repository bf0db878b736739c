package io.jlibp2p.core.host;

import io.jlibp2p.core.connmgr.ConnectionManager;
import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.host.internal.DefaultHost;
import io.jlibp2p.core.host.internal.HostConfig;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.ObservedAddresses;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ResourceUsage;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
 * host.setStreamHandler("/hello/1.0.0", stream -> stream.writeAndFlush(
 *     Unpooled.copiedBuffer("hello\n", StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE));
 * host.start().join();
 * }</pre>
 *
 * <p>One live connection per peer is kept and reused for new streams; a dial to a peer that is
 * already being dialed joins that dial. Protocols beyond identify attach as {@linkplain
 * HostService services}; what the host does is reported to its {@link EventListener}. {@link
 * #close()} closes the listeners, stops the services, closes every connection and transport, and
 * returns when their threads have stopped.
 *
 * <p>Thread-safe.
 */
public interface Host extends AutoCloseable {

  /** The default {@linkplain Builder#closeGracePeriod grace period} of a graceful close, in seconds. */
  int DEFAULT_CLOSE_GRACE_SECONDS = 5;

  /** The default {@linkplain Builder#closeGracePeriod grace period} of a graceful close. */
  Duration DEFAULT_CLOSE_GRACE_PERIOD = Duration.ofSeconds(DEFAULT_CLOSE_GRACE_SECONDS);

  /** A builder with nothing configured: add at least a transport, a secure channel and a muxer. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this host's configuration, identity included, for a variant such
   * as another identity or listen address. Two things are not copied, since they belong to one
   * host: transports (a host closes its own) and services. Add those the variant needs.
   */
  Builder newBuilder();

  /** This node's peer ID. */
  PeerId peerId();

  /** This node's identity key. */
  PrivateKey identity();

  /**
   * What this host knows about other peers: addresses, keys, protocols, signed records, and what
   * identify told. {@link #newStream(PeerId, String...)} dials the addresses found here.
   */
  Peerstore peerstore();

  /** The addresses other peers report seeing this host at, through identify. */
  ObservedAddresses observedAddresses();

  /** The service of {@code type} this host was built with, if any. */
  <T extends HostService> Optional<T> service(Class<T> type);

  /**
   * What {@code peer} said in identify on the connection to it, dialing it from the peerstore if
   * there is none. Every connection runs identify on its own; this waits for it.
   */
  CompletableFuture<IdentifyInfo> identify(PeerId peer);

  /**
   * Serves {@code protocolId} with {@code handler}; replaces an earlier handler for it. Connected
   * peers learn of the new protocol through identify push.
   */
  void setStreamHandler(String protocolId, StreamHandler handler);

  /**
   * Serves every protocol {@code matcher} accepts, such as a versioned family {@code /chat/1.*}.
   *
   * @param description names the family, for diagnostics
   */
  void setStreamHandler(String description, Predicate<String> matcher, StreamHandler handler);

  /** Stops serving {@code protocolId}. */
  void removeStreamHandler(String protocolId);

  /** Starts listening on the configured addresses. */
  CompletableFuture<Void> start();

  /**
   * Listens on one more address, now: a host started already (or never started, to listen on
   * this address only) takes it as it would a builder's {@link Builder#listenOn}. Its addresses
   * join {@link #listenAddresses()} and the signed peer record, and connected peers hear of them
   * through identify push. Closing the listener, or its ending by itself (a relay reservation
   * lost), takes them out again.
   *
   * @return the listener, or a failure with a {@link TransportException} naming the address
   */
  CompletableFuture<TransportListener> listen(Multiaddr address);

  /** The addresses this host listens on, each ending in {@code /p2p/<its peer ID>}. */
  List<Multiaddr> listenAddresses();

  /**
   * This host's signed peer record of its current listen addresses, as identify sends it; a new
   * one, with a greater sequence number, whenever the addresses change.
   */
  SignedPeerRecord signedPeerRecord();

  /**
   * Connects to {@code address}. With a {@code /p2p/} suffix the remote must prove that identity,
   * and an open or pending connection to that peer is reused.
   */
  CompletableFuture<Connection> dial(Multiaddr address);

  /**
   * Opens a stream to {@code peer} on the first of {@code protocols} it supports, reusing or
   * making a connection (from the address book).
   *
   * <p>The stream comes back with {@code autoRead} off, holding any bytes that already arrived:
   * add your handlers, then call {@code stream.config().setAutoRead(true)} or {@code
   * stream.read()}. To have handlers in place before any byte arrives, use {@link
   * #newStream(PeerId, StreamHandler, String...)}.
   */
  CompletableFuture<Stream> newStream(PeerId peer, String... protocols);

  /** Like {@link #newStream(PeerId, String...)}, dialing {@code address} if there is no connection. */
  CompletableFuture<Stream> newStream(Multiaddr address, String... protocols);

  /**
   * Opens a stream to {@code peer}; {@code handler} sets it up as soon as the protocol is chosen,
   * before any of its bytes are read, and the stream reads as usual.
   */
  CompletableFuture<Stream> newStream(PeerId peer, StreamHandler handler, String... protocols);

  /**
   * Opens a stream on one particular connection of this host, as {@link #newStream(PeerId,
   * String...)} does on the connection it picks.
   *
   * @throws IllegalArgumentException if {@code connection} is not an open connection of this host
   */
  CompletableFuture<Stream> newStream(Connection connection, String... protocols);

  /** Like {@link #newStream(PeerId, StreamHandler, String...)}, on one particular connection. */
  CompletableFuture<Stream> newStream(Connection connection, StreamHandler handler, String... protocols);

  /** The open connections. */
  List<Connection> connections();

  /**
   * What the host's resource scopes hold now, and their limits ({@link
   * Builder#resourceLimits}): connections, streams and memory, overall, in handshakes, per peer,
   * per protocol and per service.
   */
  ResourceUsage resourceUsage();

  /**
   * Keeps the number of connections between its watermarks ({@link Builder#connectionManager}):
   * protect the peers that must stay connected, and tag peers with what they are worth.
   */
  ConnectionManager connectionManager();

  /**
   * Closes the listeners, stops the services (each gets 10 s), closes every connection gracefully
   * (as {@link Connection#closeAsync()}: what was written is delivered, within the {@linkplain
   * Builder#closeGracePeriod grace period}), then the transports, and stops the host's threads. A
   * step that fails does not stop the next ones. Calling it again returns the same future. Safe to
   * call from any thread.
   *
   * @return completes when all of it is done; exceptionally, with each failure suppressed in an
   *     {@link IllegalStateException}, if a step failed
   */
  CompletableFuture<Void> closeAsync();

  /**
   * {@link #closeAsync()} without the grace: every connection closes at once (its streams see a
   * reset, pending writes fail). Also cuts short a graceful close under way.
   *
   * @return the same future as {@link #closeAsync()}
   */
  CompletableFuture<Void> closeNow();

  /**
   * {@link #closeAsync()}, and waits for it.
   *
   * @throws IllegalStateException on a Netty thread (an event loop, so a stream handler, an event
   *     listener hook or a service timer), which would wait for itself to stop; use {@link
   *     #closeAsync()} there
   */
  @Override
  void close();

  /** Configures one {@link Host}. Not thread-safe; {@link #build()} copies what it holds, once. */
  final class Builder {
    private PrivateKey identity;
    private final List<Transport> transports = new ArrayList<>();
    private final List<SecureChannel> secureChannels = new ArrayList<>();
    private final List<StreamMuxer> muxers = new ArrayList<>();
    private final List<Multiaddr> listenOn = new ArrayList<>();
    private final List<HostService> services = new ArrayList<>();
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    private Duration negotiationTimeout = Duration.ofSeconds(10);
    private Duration closeGracePeriod = DEFAULT_CLOSE_GRACE_PERIOD;
    private String agentVersion = Identify.DEFAULT_AGENT_VERSION;
    private Peerstore peerstore;
    private EventListener eventListener = EventListener.NONE;
    private EventLoopGroup eventLoopGroup;
    private Clock clock = Clock.systemUTC();
    private ResourceLimits resourceLimits;
    private ConnectionGater connectionGater = ConnectionGater.ALLOW_ALL;
    private ConnectionManagerConfig connectionManager = ConnectionManagerConfig.defaults();
    private Duration dialBackoff = Duration.ofSeconds(5);
    private EarlyStreamEnd earlyStreamEnd = EarlyStreamEnd.KNOWN_PEERS;
    private boolean built;

    private Builder() {}

    /**
     * The agent version identify announces; {@code jlibp2p/<version>} by default. Keep a word
     * {@code jlibp2p/<version>} in one of your own ({@code myapp/2.1 jlibp2p/0.1.0}): other
     * jlibp2p hosts read it to send a stream's end a round trip sooner (see {@link
     * EarlyStreamEnd#KNOWN_PEERS}).
     */
    public Builder agentVersion(String agentVersion) {
      this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
      return this;
    }

    /** The peerstore to fill and dial from; a new one of 10,000 peers, on {@link #clock}, by default. */
    public Builder peerstore(Peerstore peerstore) {
      this.peerstore = Objects.requireNonNull(peerstore, "peerstore");
      return this;
    }

    /** The node's identity key; an Ed25519 key is generated by default. */
    public Builder identity(PrivateKey identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * Adds a transport; the host owns it and closes it. Transports are tried in the order added,
     * the first that can dial or listen on an address taking it. A transport of the same class
     * added before is replaced in its place and closed, so a {@code WebSocketTransport} with a
     * server certificate or trust store of your own takes the place of the one {@code
     * Libp2p.hostBuilder()} adds by default.
     */
    public Builder transport(Transport transport) {
      Objects.requireNonNull(transport, "transport");
      for (int i = 0; i < transports.size(); i++) {
        Transport existing = transports.get(i);
        if (existing.getClass() == transport.getClass()) {
          transports.set(i, transport);
          if (existing != transport) {
            existing.close();
          }
          return this;
        }
      }
      transports.add(transport);
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

    /**
     * Adds a service, such as ping; it starts as the host is built and stops as it closes. A
     * service of the same class added before is replaced, so a {@code Ping} you keep a reference to
     * takes the place of the one {@code Libp2p.hostBuilder()} adds by default.
     */
    public Builder service(HostService service) {
      Objects.requireNonNull(service, "service");
      services.removeIf(existing -> existing.getClass() == service.getClass());
      services.add(service);
      return this;
    }

    /**
     * Removes the services that are instances of {@code type}, such as the ping service {@code
     * Libp2p.hostBuilder()} adds: {@code withoutService(Ping.class)} builds a host that does not
     * answer ping.
     */
    public Builder withoutService(Class<? extends HostService> type) {
      Objects.requireNonNull(type, "type");
      services.removeIf(type::isInstance);
      return this;
    }

    /** Hears every phase of the host's work; see {@link EventListener}. None by default. */
    public Builder eventListener(EventListener eventListener) {
      this.eventListener = Objects.requireNonNull(eventListener, "eventListener");
      return this;
    }

    /**
     * The threads for the host's own work: identify pushes, and the timers of its services. The
     * host does not shut a group given here down. By default the host makes one thread of its own
     * and stops it on close.
     */
    public Builder eventLoopGroup(EventLoopGroup eventLoopGroup) {
      this.eventLoopGroup = Objects.requireNonNull(eventLoopGroup, "eventLoopGroup");
      return this;
    }

    /**
     * The clock for timestamps and expiry: peer record sequence numbers, observed addresses, and
     * the default peerstore's TTLs. The system clock by default; tests pass a controllable one.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The limits on connections, streams and memory the host holds itself, and the peers it
     * serves, to: {@link ResourceLimits#autoscaled()} by default, which scales with the JVM's
     * memory and the process's file-descriptor limit. A refusal closes that connection or resets
     * that stream, and is reported to {@link EventListener#limitExceeded} and the log.
     */
    public Builder resourceLimits(ResourceLimits limits) {
      this.resourceLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Decides, at each step of every connection, whether it may go on: before dialing a peer or an
     * address, on accepting, after the handshake, after the upgrade. Allows everything by
     * default; {@link io.jlibp2p.core.gater.AllowDenyGater} filters by peer and subnet. A refusal
     * fails the dial, or closes the connection, with a {@link
     * io.jlibp2p.core.gater.ConnectionGatedException}.
     */
    public Builder connectionGater(ConnectionGater gater) {
      this.connectionGater = Objects.requireNonNull(gater, "gater");
      return this;
    }

    /**
     * The connection manager's watermarks, grace period and idle timeout; {@link
     * ConnectionManagerConfig#defaults()} (160 to 192 connections, as go) by default.
     */
    public Builder connectionManager(ConnectionManagerConfig config) {
      this.connectionManager = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * How long, after a failed dial of a peer's address, the next dial of it waits: {@code base}
     * after the first failure, then {@code base + base / 5 × (failures - 1)²}, up to 60 × {@code
     * base} (go's swarm backoff, whose 5 s is the default). A dial within that time fails at once
     * with {@link io.jlibp2p.core.transport.DialBackoffException}; a connection to the peer, either
     * way, clears it. {@link Duration#ZERO} for none. Local refusals (limits, the gater) never
     * count.
     */
    public Builder dialBackoff(Duration base) {
      Objects.requireNonNull(base, "base");
      if (base.isNegative()) {
        throw new IllegalArgumentException("dialBackoff must not be negative: " + base);
      }
      this.dialBackoff = base;
      return this;
    }

    /**
     * Whether a stream this host opens with one protocol may send its end before the remote
     * confirms the protocol, which saves a request/response exchange a round trip; {@link
     * EarlyStreamEnd#KNOWN_PEERS} (peers identified as jlibp2p) by default, because js-libp2p 3.x
     * resets such streams.
     */
    public Builder earlyStreamEnd(EarlyStreamEnd rule) {
      this.earlyStreamEnd = Objects.requireNonNull(rule, "rule");
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
     * How long a graceful close ({@link Connection#closeAsync()}, {@link Host#closeAsync()}) waits
     * for the streams of a connection to end before it cuts them off; {@value
     * #DEFAULT_CLOSE_GRACE_SECONDS} s by default. {@link Duration#ZERO} makes every close abrupt.
     */
    public Builder closeGracePeriod(Duration gracePeriod) {
      Objects.requireNonNull(gracePeriod, "gracePeriod");
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("closeGracePeriod must not be negative: " + gracePeriod);
      }
      this.closeGracePeriod = gracePeriod;
      return this;
    }

    /**
     * Builds the host and starts its services. A builder builds one host: the transports and
     * services it holds belong to that host, and close with it.
     *
     * @throws IllegalStateException without a transport, a secure channel and a muxer, or when
     *     this builder has built a host already
     */
    public Host build() {
      if (built) {
        throw new IllegalStateException(
            "this Host.Builder has built a host already, which owns its transports and services and closes"
                + " them with it; start from a new builder (such as Libp2p.hostBuilder()) for each host");
      }
      if (transports.isEmpty() || secureChannels.isEmpty() || muxers.isEmpty()) {
        throw new IllegalStateException(
            "a host needs at least one transport, secure channel and muxer; for the default stack"
                + " (TCP, noise, yamux) start from io.jlibp2p.Libp2p.hostBuilder() in the libp2p artifact");
      }
      built = true;
      return new DefaultHost(new HostConfig(
          identity != null ? identity : PrivateKey.generate(), transports, secureChannels, muxers, listenOn,
          services, upgradeTimeout, negotiationTimeout, closeGracePeriod, agentVersion, Optional.ofNullable(peerstore), eventListener,
          Optional.ofNullable(eventLoopGroup), clock,
          resourceLimits != null ? resourceLimits : ResourceLimits.autoscaled(), connectionGater, connectionManager,
          dialBackoff, earlyStreamEnd));
    }
  }
}
