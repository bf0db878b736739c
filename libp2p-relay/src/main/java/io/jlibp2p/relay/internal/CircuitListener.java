package io.jlibp2p.relay.internal;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.RawConnectionHandler;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.relay.CircuitRelay;
import io.jlibp2p.relay.RelayException;
import io.jlibp2p.relay.Reservation;
import io.jlibp2p.relay.ReservationVoucher;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening through one relay: a reservation on it, refreshed before it expires, whose circuit
 * addresses are this listener's. Circuits the relay opens to this host arrive through {@link
 * #accept}. It ends when cancelled, and by itself when the relay's connection closes or a refresh
 * fails: the reservation is lost.
 */
final class CircuitListener implements TransportListener, Reservation {

  private static final Logger log = LoggerFactory.getLogger(CircuitListener.class);

  /** Keeps the connection to the relay out of the connection manager's trimming. */
  private static final String PROTECTION_TAG = "relay-reservation";

  /** The most a refresh comes before the expiry, as go's client refreshes 2 minutes ahead. */
  private static final Duration REFRESH_AHEAD = Duration.ofMinutes(2);

  /** The longest wait for a refresh, however far off the expiry. */
  private static final Duration LONGEST_REFRESH_DELAY = Duration.ofDays(1);

  /** What one answer to RESERVE granted, on which connection. */
  private record Grant(Instant expiration, List<Multiaddr> addresses, ConnectionLimit limit,
      Optional<ReservationVoucher> voucher, Connection connection) {}

  private final CircuitTransport transport;
  private final ServiceContext context;
  private final Host host;
  private final CircuitAddress relay;
  private final RawConnectionHandler handler;
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile Grant grant;
  /** Guarded by {@code this}, as are the two below: set once, as it ends, however it ends. */
  private volatile boolean over;
  private boolean protecting;
  private ScheduledFuture<?> refresh;

  CircuitListener(CircuitTransport transport, ServiceContext context, CircuitAddress relay, RawConnectionHandler handler) {
    this.transport = transport;
    this.context = context;
    this.host = context.host();
    this.relay = relay;
    this.handler = handler;
  }

  /** The first reservation: completes with this listener once the relay granted it. */
  CompletableFuture<CircuitListener> reserve() {
    return requestGrant().handle((granted, error) -> {
      if (error != null) {
        ended.completeExceptionally(error);
        throw error instanceof RuntimeException e ? e : new IllegalStateException(error);
      }
      adopt(granted);
      log.info("reserved a slot on relay {} until {}; reachable at {}", relay.relayPeer(), granted.expiration(),
          circuitAddresses());
      return this;
    });
  }

  /** Asks the relay for a reservation, or its refresh. */
  private CompletableFuture<Grant> requestGrant() {
    HopMessage reserve = HopMessage.newBuilder().setType(HopMessage.Type.RESERVE).build();
    return transport.askRelay(relay, reserve, "a reservation", (stream, answer) -> {
      stream.close(); // a reservation's stream carries its answer only
      return grantOf(answer, stream.connection());
    });
  }

  /**
   * What an OK answer granted, checked: a reservation with its expiry, and a voucher (if any)
   * that the relay signed for this host.
   */
  private Grant grantOf(HopMessage answer, Connection connection) {
    if (!answer.hasReservation()) {
      throw new RelayException("relay " + relay.relayPeer() + " answered RESERVE with OK but no reservation", (Throwable) null);
    }
    CircuitProtos.Reservation reservation = answer.getReservation();
    Optional<ReservationVoucher> voucher = Optional.empty();
    if (reservation.hasVoucher()) {
      ReservationVoucher opened = ReservationVoucher.open(reservation.getVoucher().toByteArray());
      if (!opened.relay().equals(relay.relayPeer()) || !opened.peer().equals(host.peerId())) {
        throw new RelayException("relay " + relay.relayPeer() + " sent a voucher of relay " + opened.relay()
            + " for peer " + opened.peer() + ", not its own for this host", (Throwable) null);
      }
      voucher = Optional.of(opened);
    }
    long expire = reservation.getExpire();
    Instant expiration = expire < 0 || expire > Instant.MAX.getEpochSecond() ? Instant.MAX : Instant.ofEpochSecond(expire);
    if (!expiration.isAfter(context.clock().instant())) {
      throw new RelayException("relay " + relay.relayPeer() + " granted a reservation that expired already, at "
          + expiration, (Throwable) null);
    }
    List<Multiaddr> addresses = new ArrayList<>();
    for (Multiaddr address : RelayMessages.addresses(reservation.getAddrsList())) {
      if (address.has(MultiaddrProtocol.P2P_CIRCUIT)) {
        continue; // a relay reached through another relay: not a circuit this host can offer
      }
      Optional<PeerId> named = PeerId.fromMultiaddr(address);
      if (named.isEmpty() || named.get().equals(relay.relayPeer())) {
        addresses.add(CircuitRelay.circuitAddress(relay.relayPeer().appendTo(address)));
      }
    }
    if (addresses.isEmpty()) {
      // A relay that names no address of its own is reached where this host reached it.
      addresses.add(CircuitRelay.circuitAddress(relay.relay()));
    }
    return new Grant(expiration, List.copyOf(addresses), RelayMessages.limit(answer.hasLimit(), answer.getLimit()),
        voucher, connection);
  }

  /** Takes {@code granted} as the current grant, watches its connection, and schedules its refresh. */
  private synchronized void adopt(Grant granted) {
    if (over) {
      return; // cancelled while the relay was answering
    }
    Grant previous = grant;
    grant = granted;
    if (!protecting) {
      host.connectionManager().protect(relay.relayPeer(), PROTECTION_TAG);
      protecting = true;
    }
    if (previous == null || previous.connection() != granted.connection()) {
      granted.connection().closeFuture().whenComplete((ignored, error) -> {
        if (grant.connection() == granted.connection()) {
          lose(new RelayException("the connection to relay " + relay.relayPeer() + " closed; the reservation is lost",
              (Throwable) null));
        }
      });
    }
    Duration remaining = Duration.between(context.clock().instant(), granted.expiration());
    Duration ahead = remaining.dividedBy(2).compareTo(REFRESH_AHEAD) < 0 ? remaining.dividedBy(2) : REFRESH_AHEAD;
    Duration delay = remaining.minus(ahead);
    if (delay.compareTo(Duration.ofSeconds(1)) < 0) {
      delay = Duration.ofSeconds(1);
    } else if (delay.compareTo(LONGEST_REFRESH_DELAY) > 0) {
      delay = LONGEST_REFRESH_DELAY; // a grant "until the end of time" is still asked again
    }
    try {
      refresh = context.scheduler().schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // The host is closing; so is this reservation.
    }
  }

  private void refresh() {
    if (over) {
      return;
    }
    requestGrant().whenComplete((granted, error) -> {
      if (error != null) {
        lose(new RelayException("refreshing the reservation on relay " + relay.relayPeer() + " failed; it is lost", error));
      } else {
        adopt(granted);
        log.debug("refreshed the reservation on relay {} until {}", relay.relayPeer(), granted.expiration());
      }
    });
  }

  /** The reservation is gone without being cancelled. */
  private void lose(RelayException cause) {
    if (end()) {
      log.warn("{}", cause.getMessage());
      ended.completeExceptionally(cause);
    }
  }

  /** Stops refreshing and protecting; whether this call ended it. */
  private synchronized boolean end() {
    if (over) {
      return false;
    }
    over = true;
    if (refresh != null) {
      refresh.cancel(false);
    }
    if (protecting) {
      host.connectionManager().unprotect(relay.relayPeer(), PROTECTION_TAG);
    }
    return true;
  }

  /** Whether circuits through the relay are still taken. */
  boolean isActive() {
    return grant != null && !over;
  }

  /** A circuit the relay opened to this host. */
  void accept(RawConnection connection) {
    handler.connected(connection);
  }

  @Override
  public PeerId relay() {
    return relay.relayPeer();
  }

  @Override
  public Instant expiration() {
    return grant.expiration();
  }

  @Override
  public List<Multiaddr> circuitAddresses() {
    return grant.addresses().stream().map(host.peerId()::appendTo).toList();
  }

  @Override
  public ConnectionLimit limit() {
    return grant.limit();
  }

  @Override
  public Optional<ReservationVoucher> voucher() {
    return grant.voucher();
  }

  @Override
  public CompletableFuture<Void> ended() {
    return ended;
  }

  @Override
  public CompletableFuture<Void> cancel() {
    if (end()) {
      ended.complete(null);
    }
    return ended.handle((ignored, error) -> null);
  }

  @Override
  public List<Multiaddr> addresses() {
    Grant current = grant;
    return current == null || over ? List.of() : current.addresses();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return ended;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    return cancel();
  }

  @Override
  public String toString() {
    return "reservation on relay " + relay.relayPeer();
  }
}
