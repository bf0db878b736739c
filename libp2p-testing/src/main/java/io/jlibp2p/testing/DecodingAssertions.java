package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.function.Executable;

/** Assertions for decoders fed bad input. */
public final class DecodingAssertions {

  private DecodingAssertions() {}

  /**
   * Asserts that decoding fails with exactly {@code expected} (or a subclass) and a message, and
   * returns it.
   */
  public static <T extends RuntimeException> T assertRejects(
      Class<T> expected, Executable decode) {
    T error = assertThrows(expected, decode);
    if (error.getMessage() == null || error.getMessage().isBlank()) {
      fail("exception without a message", error);
    }
    return error;
  }

  /**
   * Runs a decoder on arbitrary input: it may succeed, but if it fails it must fail with {@code
   * allowed} and a message, never with another runtime error from deep inside.
   *
   * @return whether the decoder accepted the input
   */
  public static boolean acceptsOrRejectsCleanly(
      Class<? extends RuntimeException> allowed, String input, Executable decode) {
    try {
      decode.execute();
      return true;
    } catch (Throwable t) {
      if (!allowed.isInstance(t)) {
        throw new AssertionError(
            "input " + input + " failed with " + t.getClass().getName() + " instead of "
                + allowed.getSimpleName(), t);
      }
      if (t.getMessage() == null || t.getMessage().isBlank()) {
        throw new AssertionError("input " + input + " failed without a message", t);
      }
      return false;
    }
  }
}
