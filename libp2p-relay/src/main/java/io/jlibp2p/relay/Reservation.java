package io.jlibp2p.relay;

import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A slot this host holds on a relay, from {@link RelayClient#reserve}: while it lasts, peers reach
 * this host through the relay at its {@linkplain #circuitAddresses() circuit addresses}, which the
 * host lists among its listen addresses (in identify and its signed peer record). The client
 * refreshes it before it expires, for as long as the host wants it; it ends when {@linkplain
 * #cancel() cancelled}, when the host closes, or when it is lost: the relay went away or refused to
 * refresh it. Thread-safe.
 */
public interface Reservation {

  /** The relay. */
  PeerId relay();

  /** When the relay lets it expire unless it is refreshed; later after each refresh. */
  Instant expiration();

  /**
   * The addresses peers reach this host by through the relay: each of the relay's addresses,
   * then {@code /p2p-circuit/p2p/<this host>}.
   */
  List<Multiaddr> circuitAddresses();

  /** What each circuit through the relay may carry, as the relay granted it. */
  ConnectionLimit limit();

  /** The relay's signed voucher for it, checked on arrival; empty if the relay sent none. */
  Optional<ReservationVoucher> voucher();

  /**
   * Completes when it has ended: normally when cancelled or closed with the host; exceptionally,
   * with a {@link RelayException} saying why, when it was lost.
   */
  CompletableFuture<Void> ended();

  /** Ends it: no more refreshes, and its addresses leave the host's. Completes as it has ended. */
  CompletableFuture<Void> cancel();
}
