package io.jlibp2p.multistream;

import java.time.Duration;
import java.util.List;

/** The peer did not finish the negotiation within the configured timeout. */
public final class NegotiationTimeoutException extends NegotiationException {

  /** Creates an exception naming the timeout and what had been proposed so far. */
  public NegotiationTimeoutException(Duration timeout, List<String> triedProtocols) {
    super(
        "multistream-select negotiation did not finish within " + timeout.toMillis() + " ms"
            + (triedProtocols.isEmpty() ? "" : "; proposed so far: " + triedProtocols),
        triedProtocols);
  }
}
