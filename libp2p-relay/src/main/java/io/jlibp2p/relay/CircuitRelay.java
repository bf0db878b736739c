package io.jlibp2p.relay;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.time.Duration;

/**
 * Circuit relay v2's names and addresses. A peer reachable through a relay has the address {@code
 * <relay's address>/p2p/<relay>/p2p-circuit/p2p/<peer>}: {@link RelayClient} dials and listens on
 * such addresses, {@link RelayServer} makes them work.
 */
public final class CircuitRelay {

  /** The protocol between a client and its relay: reservations and connects. */
  public static final String HOP_PROTOCOL_ID = "/libp2p/circuit/relay/0.2.0/hop";

  /** The protocol the relay opens to the peer a circuit is for. */
  public static final String STOP_PROTOCOL_ID = "/libp2p/circuit/relay/0.2.0/stop";

  /**
   * How long either side waits for the other's message before it gives up on the stream, as go
   * waits a minute for a relay handshake.
   */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofMinutes(1);

  private static final Multiaddr P2P_CIRCUIT = Multiaddr.of(MultiaddrComponent.of(MultiaddrProtocol.P2P_CIRCUIT, null));

  private CircuitRelay() {}

  /** {@code relay} (which must name the relay with {@code /p2p}) followed by {@code /p2p-circuit}. */
  public static Multiaddr circuitAddress(Multiaddr relay) {
    if (PeerId.fromMultiaddr(relay).isEmpty() || relay.has(MultiaddrProtocol.P2P_CIRCUIT)) {
      throw new IllegalArgumentException("a relay's address ends in /p2p/<relay> and holds no /p2p-circuit: " + relay);
    }
    return relay.encapsulate(P2P_CIRCUIT);
  }

  /** {@code circuitAddress(relay)} followed by {@code /p2p/<target>}: the address to dial {@code target} by. */
  public static Multiaddr circuitAddress(Multiaddr relay, PeerId target) {
    return target.appendTo(circuitAddress(relay));
  }
}
