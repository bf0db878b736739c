package io.jlibp2p.multistream;

import java.util.List;

/**
 * The peer kept sending but stopped reading: the answers it asked for piled up unsent, past the
 * channel's write buffer high water mark by more than this module allows, so the negotiation
 * stopped answering and closed the channel rather than hold them in memory.
 */
public final class PeerNotReadingException extends NegotiationException {

  /** Creates an exception naming how many bytes waited to go out, and the high water mark. */
  public PeerNotReadingException(long pendingBytes, int highWaterMark, List<String> triedProtocols) {
    super(
        "the peer is not reading: " + pendingBytes + " bytes of multistream-select answers wait"
            + " to be sent, more than " + AbstractNegotiationHandler.MAX_UNREAD_BEYOND_HIGH_WATER_MARK
            + " beyond the channel's high water mark of " + highWaterMark + " bytes",
        triedProtocols);
  }
}
