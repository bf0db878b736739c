package io.jlibp2p.multistream;

import java.time.Duration;
import java.util.Objects;

/**
 * The options the dialer's and the listener's builders share.
 *
 * @param <B> the concrete builder, returned by each option for chaining
 */
public abstract class NegotiationHandlerBuilder<B extends NegotiationHandlerBuilder<B>> {

  Duration timeout = Multistream.DEFAULT_TIMEOUT;
  int maxMessages = Multistream.DEFAULT_MAX_MESSAGES;
  ProtocolSelectedCallback callback = ProtocolSelectedCallback.NONE;

  NegotiationHandlerBuilder() {}

  /** How long the negotiation may take; {@link Multistream#DEFAULT_TIMEOUT} by default. */
  public final B timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    return self();
  }

  /**
   * How many messages the peer may send in one negotiation, its header included, before the
   * negotiation fails with a {@link TooManyMessagesException} and the channel closes; {@link
   * Multistream#DEFAULT_MAX_MESSAGES} by default. It bounds what a listener answers (one {@code
   * na} per rejected proposal, one list per {@code ls}). A dialer allows at least its header and
   * one answer per protocol it proposes, whatever this says.
   */
  public final B maxMessages(int maxMessages) {
    if (maxMessages < 2) {
      throw new IllegalArgumentException(
          "maxMessages must allow the header and one proposal: " + maxMessages);
    }
    this.maxMessages = maxMessages;
    return self();
  }

  /** Installs the selected protocol's handlers; see {@link ProtocolSelectedCallback}. */
  public final B onSelected(ProtocolSelectedCallback callback) {
    this.callback = Objects.requireNonNull(callback, "callback");
    return self();
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
