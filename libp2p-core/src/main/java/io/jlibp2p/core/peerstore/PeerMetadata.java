package io.jlibp2p.core.peerstore;

import java.time.Instant;
import java.util.Optional;

/**
 * What a peer said about its software in its last identify, and when.
 *
 * @param agentVersion its implementation, such as {@code go-libp2p/0.42.0}
 * @param protocolVersion its protocol family, such as {@code ipfs/0.1.0}
 * @param lastIdentified when identify with it last completed
 */
public record PeerMetadata(Optional<String> agentVersion, Optional<String> protocolVersion, Optional<Instant> lastIdentified) {

  /** Nothing known. */
  public static final PeerMetadata EMPTY = new PeerMetadata(Optional.empty(), Optional.empty(), Optional.empty());
}
