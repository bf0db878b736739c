package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * A spec's verdict on one input, as a spec-rule oracle gives it: the value the input encodes, or
 * the rule it breaks. A randomized decoder test compares the decoder under test against it.
 *
 * <pre>{@code
 * byte[] input = TestVectors.hex("1203abcdef");
 * SpecVerdict<SpecRules.MultihashParts> expected = SpecVerdict.of(() -> {
 *   SpecRules.MultihashParts parts = SpecRules.readMultihash(input, 0, SpecRules.SHA2_256);
 *   SpecRules.requireEnd(input, parts.end(), "multihash");
 *   return parts;
 * });
 * Optional<Multihash> decoded = expected.assertDecoderAgrees(
 *     InvalidMultihashException.class, TestVectors.hex(input), () -> Multihash.decode(input));
 * }</pre>
 *
 * @param value what a valid input encodes; {@code null} when it is invalid
 * @param violation the rule an invalid input breaks; {@code null} when it is valid
 */
public record SpecVerdict<T>(T value, String violation) {

  /** The rules an oracle applies to one input; they throw {@link SpecViolation} at the first broken one. */
  @FunctionalInterface
  public interface Rules<T> {
    T apply() throws SpecViolation;
  }

  /** Applies {@code rules}: valid with what they return, or invalid with the rule they found broken. */
  public static <T> SpecVerdict<T> of(Rules<T> rules) {
    try {
      return new SpecVerdict<>(rules.apply(), null);
    } catch (SpecViolation v) {
      return rejected(v.getMessage());
    }
  }

  /** The verdict on an input that breaks {@code violation}. */
  public static <T> SpecVerdict<T> rejected(String violation) {
    return new SpecVerdict<>(null, violation);
  }

  public boolean valid() {
    return violation == null;
  }

  /** The failure message when a decoder's verdict on {@code input} is not this one. */
  public String mismatch(String input) {
    return valid()
        ? input + " is valid by the spec, but the decoder rejected it"
        : input + " was accepted, but the spec rejects it: " + violation;
  }

  /**
   * Runs {@code decode} on an input and asserts that it accepts exactly what this verdict accepts,
   * and rejects the rest cleanly, with {@code rejection} and a message.
   *
   * @param input the input as a failure message shows it
   * @return what the decoder returned, or empty when it rejected the input
   */
  public <R> Optional<R> assertDecoderAgrees(
      Class<? extends RuntimeException> rejection, String input, ThrowingSupplier<R> decode) {
    Optional<R> decoded = DecodingAssertions.decodesOrRejectsCleanly(rejection, input, decode);
    assertEquals(valid(), decoded.isPresent(), () -> mismatch(input));
    return decoded;
  }
}
