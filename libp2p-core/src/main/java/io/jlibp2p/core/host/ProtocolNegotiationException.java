package io.jlibp2p.core.host;

import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.crypto.PeerId;
import java.util.List;

/**
 * A stream could not agree on an application protocol: the peer supports none of those proposed,
 * or the negotiation broke or timed out. The cause is the multistream-select failure; the stream
 * is closed.
 */
public final class ProtocolNegotiationException extends Libp2pException {

  /** Creates an exception naming the peer and the protocols proposed. */
  public ProtocolNegotiationException(PeerId peer, List<String> protocols, Throwable cause) {
    super("peer " + peer + " did not accept any of " + protocols + ": " + cause.getMessage(), cause);
  }
}
