package io.jlibp2p.core.security;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful secure channel handshake.
 *
 * @param protocolId the secure channel protocol, such as {@code /noise}
 * @param localPeer this node's peer ID
 * @param remotePeer the peer ID the remote proved
 * @param remotePublicKey the key the remote proved it holds; {@code remotePeer} is derived from it
 * @param muxer the stream muxer both sides agreed on during the handshake, if they did (noise's
 *     inlined muxer negotiation); then the upgrader skips the muxer's multistream negotiation
 */
public record SecureSession(
    String protocolId, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey, Optional<String> muxer) {

  /** A session that settled no muxer. */
  public SecureSession(String protocolId, PeerId localPeer, PeerId remotePeer, PublicKey remotePublicKey) {
    this(protocolId, localPeer, remotePeer, remotePublicKey, Optional.empty());
  }

  public SecureSession {
    Objects.requireNonNull(muxer, "muxer");
    Objects.requireNonNull(protocolId, "protocolId");
    Objects.requireNonNull(localPeer, "localPeer");
    Objects.requireNonNull(remotePeer, "remotePeer");
    Objects.requireNonNull(remotePublicKey, "remotePublicKey");
    if (!remotePeer.matches(remotePublicKey)) {
      throw new IllegalArgumentException(remotePeer + " is not the peer ID of the remote key");
    }
  }
}
