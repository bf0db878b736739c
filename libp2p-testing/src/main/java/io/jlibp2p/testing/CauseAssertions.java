package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Assertions on a failure's cause chain, for errors that reach the caller wrapped. */
public final class CauseAssertions {

  private CauseAssertions() {}

  /**
   * Asserts that {@code failure} or one of its causes is a {@code type}, and returns the first
   * such; the assertion's message is {@code failure} itself, which shows the whole chain.
   */
  public static <T extends Throwable> T assertCause(Class<T> type, Throwable failure) {
    Throwable cause = failure;
    while (!type.isInstance(cause) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return assertInstanceOf(type, cause, failure.toString());
  }
}
