package io.jlibp2p.multistream;

import java.util.List;

/**
 * The peer sent more messages than one negotiation allows ({@link
 * NegotiationHandlerBuilder#maxMessages}) without settling on a protocol: a listener answers each
 * proposal and each {@code ls}, so a peer that keeps proposing would otherwise be answered until
 * the timeout. No honest peer comes near the bound; one that passes it is probing or flooding.
 */
public final class TooManyMessagesException extends NegotiationException {

  private final int maxMessages;

  /** Creates an exception naming the bound that was passed. */
  public TooManyMessagesException(int maxMessages, List<String> triedProtocols) {
    super(
        "the peer sent more than " + maxMessages + " multistream-select messages without settling"
            + " on a protocol (" + triedProtocols.size() + " proposals); raise maxMessages if an"
            + " honest peer needs more",
        triedProtocols);
    this.maxMessages = maxMessages;
  }

  /** The number of messages the negotiation allowed. */
  public int maxMessages() {
    return maxMessages;
  }
}
