package io.jlibp2p.relay;

import io.jlibp2p.core.host.AbstractHostService;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.relay.internal.HopService;
import java.time.Duration;
import java.util.Objects;

/**
 * A circuit relay v2 server: peers reserve a slot on it and are reached through it. Off unless a
 * host is built with it:
 *
 * <pre>{@code
 * Host relay = Libp2p.hostBuilder()
 *     .listenOn(Multiaddr.fromString("/ip4/0.0.0.0/tcp/4001"))
 *     .service(RelayServer.create())              // go's limits
 *     .build();
 * }</pre>
 *
 * <p>A relay is a public service and lives on its limits, go's by default: a reservation lasts an
 * hour (the client refreshes it); each circuit may carry 128 KiB each way for 2 minutes and is then
 * reset; at most 128 reservations, 8 from one IP address, 1 per peer (a second request refreshes
 * the first), and 16 circuits at once for any one peer. The hop and stop streams count in the
 * host's resource scope {@code service:RelayServer} too, so {@link
 * io.jlibp2p.core.resource.ResourceLimits} caps them as well. It refuses reservations and
 * circuits asked for over a relayed connection, and answers every refusal with its status code.
 */
public final class RelayServer extends AbstractHostService {

  private final Builder config;
  private volatile HopService hop;

  private RelayServer(Builder config) {
    this.config = config;
  }

  /** A relay with go's limits. */
  public static RelayServer create() {
    return builder().build();
  }

  /** A builder starting from go's limits. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected void onStart(ServiceContext context) {
    HopService service = new HopService(context, this::name, config.reservationTtl, config.maxReservations,
        config.maxReservationsPerIp, config.maxCircuitsPerPeer, config.circuitLimit);
    // Runs on relayed connections too, to refuse what arrives there with its status code.
    context.setStreamHandler(CircuitRelay.HOP_PROTOCOL_ID, StreamHandler.onLimitedConnectionsToo(service::handle));
    hop = service;
  }

  /** The reservations held now. */
  public int reservations() {
    HopService service = hop;
    return service == null ? 0 : service.reservations();
  }

  /** The circuits open now. */
  public int circuits() {
    HopService service = hop;
    return service == null ? 0 : service.circuits();
  }

  /** The limit each circuit gets. */
  public ConnectionLimit circuitLimit() {
    return config.circuitLimit;
  }

  /** The relay's limits; not thread-safe. */
  public static final class Builder {
    private Duration reservationTtl = Duration.ofHours(1);
    private int maxReservations = 128;
    private int maxReservationsPerIp = 8;
    private int maxCircuitsPerPeer = 16;
    private ConnectionLimit circuitLimit = new ConnectionLimit(Duration.ofMinutes(2), 128 * 1024);

    private Builder() {}

    /** How long a reservation lasts unless refreshed; 1 hour by default. Whole seconds, at least one. */
    public Builder reservationTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.getSeconds() < 1 || ttl.getNano() != 0) {
        throw new IllegalArgumentException("a reservation lasts one or more whole seconds: " + ttl);
      }
      this.reservationTtl = ttl;
      return this;
    }

    /** How many reservations the relay holds at once; 128 by default. */
    public Builder maxReservations(int count) {
      this.maxReservations = positive("maxReservations", count);
      return this;
    }

    /** How many reservations may come from one IP address (an IPv6 /64); 8 by default. */
    public Builder maxReservationsPerIp(int count) {
      this.maxReservationsPerIp = positive("maxReservationsPerIp", count);
      return this;
    }

    /** How many circuits one peer may be an end of at once; 16 by default. */
    public Builder maxCircuitsPerPeer(int count) {
      this.maxCircuitsPerPeer = positive("maxCircuitsPerPeer", count);
      return this;
    }

    /**
     * What each circuit may carry before the relay resets it; 2 minutes and 128 KiB each way by
     * default. {@link ConnectionLimit#UNLIMITED} relays without limits.
     */
    public Builder circuitLimit(ConnectionLimit limit) {
      this.circuitLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** The relay; each host needs its own. */
    public RelayServer build() {
      Builder copy = new Builder();
      copy.reservationTtl = reservationTtl;
      copy.maxReservations = maxReservations;
      copy.maxReservationsPerIp = maxReservationsPerIp;
      copy.maxCircuitsPerPeer = maxCircuitsPerPeer;
      copy.circuitLimit = circuitLimit;
      return new RelayServer(copy);
    }

    private static int positive(String name, int count) {
      if (count < 1) {
        throw new IllegalArgumentException(name + " must be at least 1: " + count);
      }
      return count;
    }
  }
}
