package io.jlibp2p.core.host;

import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;

/**
 * A raw connection could not be upgraded: the message names the phase, the remote address (and
 * peer, when known) and the protocols that were tried; the cause is the underlying failure. The
 * connection is closed.
 */
public final class UpgradeException extends Libp2pException {

  /** The step of the upgrade that failed. */
  public enum Phase {
    /** Agreeing on a secure channel protocol with multistream-select. */
    SECURITY_NEGOTIATION,
    /** The secure channel's handshake. */
    SECURITY_HANDSHAKE,
    /** Agreeing on a stream muxer with multistream-select. */
    MUXER_NEGOTIATION
  }

  private final Phase phase;

  /** Creates an exception describing where the upgrade of the connection to {@code remote} failed. */
  public UpgradeException(Phase phase, Multiaddr remote, String peer, List<String> protocols, Throwable cause) {
    super(
        "upgrading the connection to " + remote + (peer == null ? "" : " (peer " + peer + ")")
            + " failed in " + phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + " with " + protocols + ": " + (cause == null ? "timed out" : cause.getMessage()),
        cause);
    this.phase = phase;
  }

  /** The phase that failed. */
  public Phase phase() {
    return phase;
  }
}
