package io.jlibp2p.relay;

import java.util.Optional;

/**
 * The status codes of circuit relay v2's {@code STATUS} messages, with the numbers the spec
 * gives them: 100 for success, 2xx for a refusal, 4xx for a message the other side could not use.
 */
public enum RelayStatus {
  OK(100),
  RESERVATION_REFUSED(200),
  RESOURCE_LIMIT_EXCEEDED(201),
  PERMISSION_DENIED(202),
  CONNECTION_FAILED(203),
  NO_RESERVATION(204),
  MALFORMED_MESSAGE(400),
  UNEXPECTED_MESSAGE(401);

  private final int code;

  RelayStatus(int code) {
    this.code = code;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** The status with this number; empty for one the spec does not define (0, {@code UNUSED}, among them). */
  public static Optional<RelayStatus> of(int code) {
    for (RelayStatus status : values()) {
      if (status.code == code) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
