package io.jlibp2p.core.security;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.PeerId;
import io.jlibp2p.core.crypto.PrivateKey;
import java.util.Objects;
import java.util.Optional;

/**
 * What a handshake needs to know.
 *
 * @param localKey this node's identity key
 * @param direction {@link Direction#OUTBOUND} for the dialer (the initiator), {@link
 *     Direction#INBOUND} for the listener
 * @param expectedRemotePeer the peer ID that was dialed, when known: the handshake fails with
 *     {@link PeerIdMismatchException} if the remote proves another
 */
public record HandshakeParameters(
    PrivateKey localKey, Direction direction, Optional<PeerId> expectedRemotePeer) {

  public HandshakeParameters {
    Objects.requireNonNull(localKey, "localKey");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(expectedRemotePeer, "expectedRemotePeer");
  }

  /** This node's peer ID. */
  public PeerId localPeer() {
    return PeerId.fromPublicKey(localKey.publicKey());
  }

  /**
   * Checks the peer the remote proved against the one expected.
   *
   * @throws PeerIdMismatchException if a peer was expected and it is another one
   */
  public void requireExpected(String protocolId, PeerId remote) {
    if (expectedRemotePeer.isPresent() && !expectedRemotePeer.get().equals(remote)) {
      throw new PeerIdMismatchException(protocolId, expectedRemotePeer.get(), remote);
    }
  }
}
