package io.jlibp2p.multistream;

import java.util.List;

/**
 * A multistream-select negotiation that did not settle on a protocol: every proposal was rejected,
 * the peer broke the protocol, the channel closed, or time ran out. The channel is closed when this
 * is reported.
 *
 * <p>This module depends on Netty alone, so this exception does not extend jlibp2p core's {@code
 * Libp2pException}; the upgrader and the host wrap it, adding the peer and the phase.
 */
public class NegotiationException extends RuntimeException {

  private final List<String> triedProtocols;

  /** Creates an exception listing the protocols proposed before the failure, in order. */
  public NegotiationException(String message, List<String> triedProtocols) {
    super(message);
    this.triedProtocols = List.copyOf(triedProtocols);
  }

  /** The protocols this side proposed (dialer) or was offered (listener), in order. */
  public List<String> triedProtocols() {
    return triedProtocols;
  }
}
