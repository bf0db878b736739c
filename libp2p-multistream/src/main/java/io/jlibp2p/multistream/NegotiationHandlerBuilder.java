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
  ProtocolSelectedCallback callback = ProtocolSelectedCallback.NONE;

  NegotiationHandlerBuilder() {}

  /** How long the negotiation may take; {@link Multistream#DEFAULT_TIMEOUT} by default. */
  public final B timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
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
