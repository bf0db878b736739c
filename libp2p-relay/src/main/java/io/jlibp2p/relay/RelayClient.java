package io.jlibp2p.relay;

import io.jlibp2p.core.host.AbstractHostService;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.relay.internal.CircuitTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of circuit relay v2: reserves slots on relays, so that peers reach this host
 * through them, and dials peers through relays. Its transport makes the host dial {@code
 * .../p2p/RELAY/p2p-circuit/p2p/PEER} addresses (from {@link io.jlibp2p.core.host.Host#dial},
 * {@code newStream} and the peerstore alike) and listen on {@code .../p2p/RELAY/p2p-circuit}
 * addresses, each a reservation; relayed connections arrive like any other.
 *
 * <pre>{@code
 * RelayClient relays = host.service(RelayClient.class).orElseThrow();   // in Libp2p.hostBuilder()'s stack
 * Reservation reservation = relays.reserve(Multiaddr.fromString("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooW...")).join();
 * System.out.println(reservation.circuitAddresses());   // what other peers dial
 * }</pre>
 *
 * <p>A relayed connection is secured and multiplexed over its circuit as a TCP connection is, and
 * is {@linkplain io.jlibp2p.core.host.Connection#limit() limited} by what the relay granted: the
 * host serves there only protocols whose handlers allow it, such as ping and identify. The client
 * accepts circuits only from relays it holds a reservation on.
 */
public final class RelayClient extends AbstractHostService {

  private volatile CircuitTransport transport;

  private RelayClient() {}

  /** A client; each host needs its own. */
  public static RelayClient create() {
    return new RelayClient();
  }

  @Override
  protected void onStart(ServiceContext context) {
    CircuitTransport circuits = new CircuitTransport(context);
    context.addTransport(circuits);
    context.setStreamHandler(CircuitRelay.STOP_PROTOCOL_ID, circuits::acceptCircuit);
    transport = circuits;
  }

  /**
   * Reserves a slot on {@code relay}, dialing it if needed, as {@code host.listen(relay +
   * "/p2p-circuit")} does.
   *
   * @param relay the relay's address, ending in {@code /p2p/<relay>} (or only that, to use the
   *     peerstore's addresses for it)
   * @return the reservation; a failure with a {@link RelayException} if the relay refused (with
   *     its status) or could not be reached
   */
  public CompletableFuture<Reservation> reserve(Multiaddr relay) {
    return host().listen(CircuitRelay.circuitAddress(relay)).thenApply(Reservation.class::cast);
  }

  /** The reservations held now. */
  public List<Reservation> reservations() {
    CircuitTransport circuits = transport;
    return circuits == null ? List.of() : circuits.reservations();
  }
}
