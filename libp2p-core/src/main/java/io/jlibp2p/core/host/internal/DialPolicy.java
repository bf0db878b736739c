package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.gater.ConnectionGatedException;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.transport.DialBackoffException;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Optional;

/**
 * Whether the host may dial, by its gater and by the backoff of addresses that failed before; and
 * what each dial's outcome teaches the backoff.
 */
final class DialPolicy {

  private final ConnectionGater gater;
  private final DialBackoff backoff;

  DialPolicy(ConnectionGater gater, DialBackoff backoff) {
    this.gater = gater;
    this.backoff = backoff;
  }

  /** Why {@code peer} must not be dialed at all, if the gater says so. */
  Optional<ConnectionGatedException> refusePeer(PeerId peer) {
    return Gate.allows(() -> gater.allowDialPeer(peer)) ? Optional.empty() : Optional.of(ConnectionGatedException.dialPeer(peer));
  }

  /** Why {@code address} must not be dialed now: the gater refuses it, or it is backed off. */
  Optional<RuntimeException> refuseAddress(Optional<PeerId> peer, Multiaddr address) {
    if (!Gate.allows(() -> gater.allowDialAddress(peer, address))) {
      return Optional.of(ConnectionGatedException.dialAddress(peer, address));
    }
    try {
      peer.ifPresent(p -> backoff.check(p, address));
      return Optional.empty();
    } catch (DialBackoffException e) {
      return Optional.of(e);
    }
  }

  /** A dial of {@code address} failed with {@code cause}: backs it off, unless this side refused. */
  void failed(Optional<PeerId> peer, Multiaddr address, Throwable cause) {
    if (peer.isPresent() && deservesBackoff(cause)) {
      backoff.failed(peer.get(), address);
    }
  }

  /** A connection to {@code peer}, whichever side dialed: it is not dead, as go reckons. */
  void connected(PeerId peer) {
    backoff.succeeded(peer);
  }

  /**
   * Whether a failed dial says the address is dead or the peer unwilling (worth waiting before the
   * next try), rather than that this side refused: its own limits, its gater, its backoff.
   */
  private static boolean deservesBackoff(Throwable failure) {
    if (failure instanceof DialBackoffException || !(failure instanceof TransportException || failure instanceof UpgradeException)) {
      return false;
    }
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof LimitExceededException limit && limit.scope().isPresent()
          || cause instanceof ConnectionGatedException) {
        return false;
      }
    }
    return true;
  }
}
