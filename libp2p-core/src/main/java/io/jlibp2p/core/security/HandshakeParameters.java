package io.jlibp2p.core.security;

import io.jlibp2p.core.Direction;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import java.util.List;
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
 * @param muxers this side's stream muxers in preference order, for secure channels that can agree
 *     on one during the handshake (noise's {@code stream_muxers} extension); empty to not offer
 */
public record HandshakeParameters(
    PrivateKey localKey, Direction direction, Optional<PeerId> expectedRemotePeer, List<String> muxers) {

  public HandshakeParameters {
    Objects.requireNonNull(localKey, "localKey");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(expectedRemotePeer, "expectedRemotePeer");
    muxers = List.copyOf(muxers);
  }

  /** Parameters that offer no muxers during the handshake. */
  public HandshakeParameters(PrivateKey localKey, Direction direction, Optional<PeerId> expectedRemotePeer) {
    this(localKey, direction, expectedRemotePeer, List.of());
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
