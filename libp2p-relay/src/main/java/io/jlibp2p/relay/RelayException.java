package io.jlibp2p.relay;

import io.jlibp2p.core.transport.TransportException;
import java.util.Optional;

/**
 * A relay refused, or a circuit or reservation failed: the relay answered with a status other than
 * {@link RelayStatus#OK}, sent something unusable, or went away.
 */
public final class RelayException extends TransportException {

  private static final long serialVersionUID = 1L;

  private final RelayStatus status;

  /** A failure the other side reported with {@code status}. */
  public RelayException(String message, RelayStatus status) {
    super(message + " (" + status + ", " + status.code() + ")");
    this.status = status;
  }

  /** A failure without a status: a malformed answer, a timeout, a closed stream or connection. */
  public RelayException(String message, Throwable cause) {
    super(message, cause);
    this.status = null;
  }

  /** The status the other side answered with, if it answered. */
  public Optional<RelayStatus> status() {
    return Optional.ofNullable(status);
  }
}
