package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;

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
    return decodesOrRejectsCleanly(allowed, input, () -> {
      decode.execute();
      return Boolean.TRUE;
    }).isPresent();
  }

  /**
   * Runs {@code cases} randomized checks of a decoder, all drawing from one {@link Random} seeded
   * with {@code seed}: {@code checkOne} draws an input, checks the decoder's verdict on it (against
   * a {@link SpecVerdict}, say) and returns whether the decoder accepted it. Then asserts that both
   * verdicts were common, each more than a tenth of the cases, so that neither path through the
   * decoder went untested.
   */
  public static void assertBothVerdictsCommon(long seed, int cases, Predicate<Random> checkOne) {
    Random random = new Random(seed);
    int accepted = 0;
    for (int i = 0; i < cases; i++) {
      if (checkOne.test(random)) {
        accepted++;
      }
    }
    assertTrue(accepted > cases / 10 && accepted < cases * 9 / 10, accepted + " of " + cases + " accepted");
  }

  /**
   * {@link #acceptsOrRejectsCleanly} for a decoder whose result the test goes on to check.
   *
   * @return what the decoder returned, or empty when it rejected the input
   */
  public static <R> Optional<R> decodesOrRejectsCleanly(
      Class<? extends RuntimeException> allowed, String input, ThrowingSupplier<R> decode) {
    return decodesOrRejectsCleanly(List.of(allowed), () -> input, decode);
  }

  /**
   * {@link #decodesOrRejectsCleanly(Class, String, ThrowingSupplier)} for a decoder documented to
   * fail with any of several exceptions, describing the input only if it fails: fuzz targets call
   * this millions of times, and printing the input each time would cost more than decoding it.
   */
  public static <R> Optional<R> decodesOrRejectsCleanly(
      List<Class<? extends RuntimeException>> allowed, Supplier<String> input,
      ThrowingSupplier<R> decode) {
    R decoded;
    try {
      decoded = decode.get();
    } catch (Throwable t) {
      if (allowed.stream().noneMatch(type -> type.isInstance(t))) {
        throw new AssertionError(
            "input " + input.get() + " failed with " + t.getClass().getName() + " instead of "
                + allowed.stream().map(Class::getSimpleName).toList(), t);
      }
      if (t.getMessage() == null || t.getMessage().isBlank()) {
        throw new AssertionError("input " + input.get() + " failed without a message", t);
      }
      return Optional.empty();
    }
    if (decoded == null) {
      throw new AssertionError("input " + input.get() + " decoded to null");
    }
    return Optional.of(decoded);
  }
}
