package io.jlibp2p.core.security;

import io.jlibp2p.crypto.PeerId;

/**
 * The peer proved an identity other than the one that was dialed: the address named one peer ID
 * and the key presented in the handshake belongs to another. The connection is closed.
 */
public final class PeerIdMismatchException extends SecurityHandshakeException {

  private final PeerId expected;
  private final PeerId actual;

  /** Creates an exception naming both peer IDs. */
  public PeerIdMismatchException(String protocolId, PeerId expected, PeerId actual) {
    super(protocolId + " handshake: expected peer " + expected + " but the remote is " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  /** The peer ID that was dialed. */
  public PeerId expected() {
    return expected;
  }

  /** The peer ID the remote proved in the handshake. */
  public PeerId actual() {
    return actual;
  }
}
