package io.jlibp2p.core.identify;

import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one identify message (or the merge of several) says about a peer. Every field is optional
 * on the wire; in an identify push an absent field, or an empty list, means "unchanged".
 *
 * @param protocolVersion the protocol family, {@value Identify#PROTOCOL_VERSION} for libp2p nodes
 * @param agentVersion the implementation, such as {@code jlibp2p/0.1.0}
 * @param publicKey the peer's public key
 * @param listenAddresses where the peer listens, as it says (uncertified)
 * @param observedAddress this node's address as the peer sees it
 * @param protocols the protocols the peer accepts on inbound streams
 * @param signedPeerRecord the peer's signed record of its addresses, if it sent a valid one
 */
public record IdentifyInfo(
    Optional<String> protocolVersion,
    Optional<String> agentVersion,
    Optional<PublicKey> publicKey,
    List<Multiaddr> listenAddresses,
    Optional<Multiaddr> observedAddress,
    List<String> protocols,
    Optional<SignedPeerRecord> signedPeerRecord) {

  /** Copies the lists. */
  public IdentifyInfo {
    Objects.requireNonNull(protocolVersion, "protocolVersion");
    Objects.requireNonNull(agentVersion, "agentVersion");
    Objects.requireNonNull(publicKey, "publicKey");
    listenAddresses = List.copyOf(listenAddresses);
    Objects.requireNonNull(observedAddress, "observedAddress");
    protocols = List.copyOf(protocols);
    Objects.requireNonNull(signedPeerRecord, "signedPeerRecord");
  }
}
