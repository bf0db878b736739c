package io.jlibp2p.core.transport;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Instant;
import java.util.Objects;

/**
 * A dial was not attempted because dials to the same peer at the same address failed recently:
 * the host backs off, for a time that grows with each failure, instead of hammering an address
 * that does not answer. The message names the peer, the address and until when; dialing again
 * after that instant, or another address of the peer, is attempted.
 */
public final class DialBackoffException extends TransportException {

  private final PeerId peer;
  private final Multiaddr address;
  private final Instant until;

  /**
   * Creates an exception for {@code peer} at {@code address}, backed off until {@code until}
   * after {@code failures} failed dials in a row.
   */
  public DialBackoffException(PeerId peer, Multiaddr address, Instant until, int failures) {
    super("not dialing peer " + Objects.requireNonNull(peer, "peer") + " at " + Objects.requireNonNull(address, "address")
        + ": backing off until " + Objects.requireNonNull(until, "until") + " after " + failures
        + " failed dial(s) in a row; try again after then or dial another of its addresses");
    this.peer = peer;
    this.address = address;
    this.until = until;
  }

  /** The peer that was not dialed. */
  public PeerId peer() {
    return peer;
  }

  /** The address that was not dialed. */
  public Multiaddr address() {
    return address;
  }

  /** When a dial to this peer at this address is attempted again. */
  public Instant until() {
    return until;
  }
}
