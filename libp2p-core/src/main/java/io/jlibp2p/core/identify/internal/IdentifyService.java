package io.jlibp2p.core.identify.internal;

import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.host.internal.HostConnection;
import io.jlibp2p.core.host.internal.StreamNegotiation;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.ObservedAddresses;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.peerstore.PeerMetadata;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's side of identify: answers requests, asks every new connection, pushes changes, and
 * writes what peers say into the peerstore.
 *
 * <p>What a peer says is trusted only as far as the connection proves it: a public key other than
 * the one the secure channel authenticated fails identify, and a signed peer record counts only if
 * it verifies and names that same peer. With a valid record its addresses are the peer's
 * (certified) ones and the unsigned listen addresses are ignored, as in go-libp2p.
 */
public final class IdentifyService {

  private static final Logger log = LoggerFactory.getLogger(IdentifyService.class);

  /** Changes within this window go out in one push. */
  private static final long PUSH_DELAY_MILLIS = 50;

  private final PrivateKey identity;
  private final PeerId self;
  private final String agentVersion;
  private final Peerstore peerstore;
  private final ObservedAddresses observed;
  private final StreamNegotiation streams;
  private final Supplier<List<Multiaddr>> listenAddresses;
  private final Supplier<? extends Collection<HostConnection>> connections;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean pushPending = new AtomicBoolean();
  /** The record of the current listen addresses; guarded by {@code this}. */
  private SignedPeerRecord record;

  /**
   * @param listenAddresses this node's listen addresses, without {@code /p2p/}
   * @param connections the host's open connections, for pushes
   * @param scheduler the host's threads, which send the pushes
   */
  public IdentifyService(PrivateKey identity, String agentVersion, Peerstore peerstore, ObservedAddresses observed,
      StreamNegotiation streams, Supplier<List<Multiaddr>> listenAddresses,
      Supplier<? extends Collection<HostConnection>> connections, Clock clock, ScheduledExecutorService scheduler) {
    this.identity = identity;
    this.self = PeerId.fromPublicKey(identity.publicKey());
    this.agentVersion = agentVersion;
    this.peerstore = peerstore;
    this.observed = observed;
    this.streams = streams;
    this.listenAddresses = listenAddresses;
    this.connections = connections;
    this.clock = clock;
    this.scheduler = scheduler;
    // A relayed peer is identified like any other: small messages, worth a relay's bytes.
    streams.setHandler(Identify.PROTOCOL_ID, StreamHandler.onLimitedConnectionsToo(this::answer));
    streams.setHandler(Identify.PUSH_PROTOCOL_ID, StreamHandler.onLimitedConnectionsToo(this::receivePush));
  }

  /** What this node says of itself to a peer that sees it at {@code observedAddress}. */
  public IdentifyInfo localInfo(Optional<Multiaddr> observedAddress) {
    List<Multiaddr> addresses = listenAddresses.get();
    return new IdentifyInfo(
        Optional.of(Identify.PROTOCOL_VERSION),
        Optional.of(agentVersion),
        Optional.of(identity.publicKey()),
        addresses,
        observedAddress,
        streams.protocols(),
        Optional.of(currentRecord(addresses)));
  }

  /** The signed record of {@code addresses}: the last one if they did not change, else a newer one. */
  private synchronized SignedPeerRecord currentRecord(List<Multiaddr> addresses) {
    if (record == null || !record.record().addresses().equals(addresses)) {
      // Time-based, as go does, so that a restarted node's records still count as newer.
      long seq = clock.millis() * 1_000_000L;
      if (record != null && Long.compareUnsigned(seq, record.record().seq()) <= 0) {
        seq = record.record().seq() + 1;
      }
      record = SignedPeerRecord.seal(new PeerRecord(self, seq, addresses), identity);
    }
    return record;
  }

  private void answer(Stream stream) {
    HostConnection connection = HostConnection.of(stream);
    stream.pipeline().addLast("identify-writer", new IdentifyWriter(localInfo(Optional.of(connection.remoteAddress()))));
  }

  /** Asks the remote of a new connection, and completes the connection's identify future. */
  public void identify(HostConnection connection) {
    CompletableFuture<IdentifyInfo> done = connection.identify();
    streams.open(connection, stream -> IdentifyReader.install(stream).result().whenComplete((info, error) -> {
      if (error != null) {
        done.completeExceptionally(error);
        return;
      }
      try {
        consume(connection, info, false);
        done.complete(info);
      } catch (IdentifyException e) {
        done.completeExceptionally(e);
      }
    }), List.of(Identify.PROTOCOL_ID)).whenComplete((stream, error) -> {
      if (error != null) {
        done.completeExceptionally(new IdentifyException("identify with " + connection.remotePeer() + " failed: " + error.getMessage(), error));
      }
    });
    done.whenComplete((info, error) -> {
      if (error != null) {
        log.debug("identify with {} failed: {}", connection.remotePeer(), error.getMessage());
      }
    });
  }

  private void receivePush(Stream stream) {
    HostConnection connection = HostConnection.of(stream);
    IdentifyReader.install(stream).result().whenComplete((info, error) -> {
      if (error != null) {
        log.debug("identify push from {} failed: {}", connection.remotePeer(), error.getMessage());
        return;
      }
      try {
        consume(connection, info, true);
      } catch (IdentifyException e) {
        log.debug("ignoring identify push from {}: {}", connection.remotePeer(), e.getMessage());
      }
    });
  }

  /**
   * Writes what the remote said into the peerstore.
   *
   * @param push whether it is a push, where absent fields and empty lists mean "unchanged"
   */
  private void consume(HostConnection connection, IdentifyInfo info, boolean push) {
    PeerId peer = connection.remotePeer();
    if (info.publicKey().isPresent() && !info.publicKey().get().equals(connection.remotePublicKey())) {
      throw new IdentifyException("identify: " + peer + " sent a public key other than the one its connection proved");
    }
    peerstore.addPublicKey(peer, connection.remotePublicKey());
    if (!push || !info.protocols().isEmpty()) {
      peerstore.setProtocols(peer, info.protocols());
    }
    Optional<SignedPeerRecord> record = info.signedPeerRecord().filter(r -> r.record().peerId().equals(peer));
    if (record.isPresent()) {
      if (!peerstore.consumePeerRecord(record.get(), Peerstore.CONNECTED_TTL)) {
        log.debug("identify: {} sent a peer record no newer than the one stored", peer);
      }
    } else if (!info.listenAddresses().isEmpty()) {
      peerstore.addAddresses(peer, info.listenAddresses(), Peerstore.CONNECTED_TTL);
    }
    PeerMetadata old = peerstore.metadata(peer);
    peerstore.setMetadata(peer, new PeerMetadata(
        info.agentVersion().or(old::agentVersion),
        info.protocolVersion().or(old::protocolVersion),
        Optional.of(clock.instant())));
    // js appends /p2p/<our ID> to the address it observed; the address itself is what counts.
    info.observedAddress()
        .map(address -> PeerId.fromMultiaddr(address).filter(self::equals).isPresent() ? address.decapsulate(MultiaddrProtocol.P2P) : address)
        // Seen through a relay, it is the relay's address, not one this host can be reached at.
        .filter(address -> !address.has(MultiaddrProtocol.P2P_CIRCUIT))
        .ifPresent(address -> observed.record(address, peer));
  }

  /** Schedules a push of this node's identify to every connected peer that accepts pushes. */
  public void localChanged() {
    if (pushPending.compareAndSet(false, true)) {
      try {
        scheduler.schedule(() -> {
          pushPending.set(false);
          pushToAll();
        }, PUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // The host is closing: there is nobody left to push to.
        pushPending.set(false);
      }
    }
  }

  private void pushToAll() {
    for (HostConnection connection : connections.get()) {
      if (!connection.isOpen() || !peerstore.supports(connection.remotePeer(), Identify.PUSH_PROTOCOL_ID)) {
        continue;
      }
      IdentifyInfo info = localInfo(Optional.of(connection.remoteAddress()));
      streams.open(connection, stream -> stream.pipeline().addLast("identify-writer", new IdentifyWriter(info)),
          List.of(Identify.PUSH_PROTOCOL_ID)).whenComplete((stream, error) -> {
            if (error != null) {
              log.debug("identify push to {} failed: {}", connection.remotePeer(), error.getMessage());
            }
          });
    }
  }
}
