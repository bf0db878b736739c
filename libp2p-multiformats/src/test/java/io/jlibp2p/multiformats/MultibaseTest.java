package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertBothVerdictsCommon;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.DecodingAssertions.decodesOrRejectsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.multiformats.MultiformatsSpecRules.MultibaseText;
import io.jlibp2p.testing.SpecRules;
import io.jlibp2p.testing.SpecVerdict;
import io.jlibp2p.testing.TestVectors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultibaseTest {

  /**
   * Printable ASCII, and letters beyond it: some whose case mappings stay outside ASCII, and KELVIN
   * SIGN and I WITH DOT ABOVE, which lower-case to 'k' and 'i' (see {@link
   * #rejectsNonAsciiLettersThatLowerCaseIntoTheAlphabet}).
   */
  private static final String NOISE =
      printableAscii() + "\u00e9\u00df\u20ac\uff10\u0661\u00ff\u212a\u0130";

  /** The multibase repo's vectors: every supported encoding encodes and decodes exactly. */
  @Test
  void specVectors() {
    int checked = 0;
    for (String[] row : TestVectors.rows("multibase-vectors.tsv")) {
      Multibase base = byVectorName(row[0]);
      byte[] decoded = unescape(row[2]);
      if (base == null) {
        // Padded variants (c, C, M, U) are not used by libp2p and not supported.
        String text = row[1];
        assertRejects(InvalidMultibaseException.class, () -> Multibase.decode(text));
        continue;
      }
      assertEquals(row[1], base.encode(decoded), row[0]);
      assertArrayEquals(decoded, Multibase.decode(row[1]), row[0]);
      checked++;
    }
    assertEquals(27, checked);
  }

  /** The multibase repo's case-insensitivity vectors: mixed case decodes for case-free bases. */
  @Test
  void caseInsensitiveVectors() {
    for (String[] row : TestVectors.rows("multibase-decode-only.tsv")) {
      Multibase base = byVectorName(row[0]);
      byte[] expected = unescape(row[2]);
      if (base == null) {
        continue;
      }
      assertArrayEquals(expected, Multibase.decode(row[1]), row[0] + " " + row[1]);
    }
  }

  @ParameterizedTest
  @EnumSource(Multibase.class)
  void randomBytesRoundTrip(Multibase base) {
    Random random = new Random(base.ordinal());
    for (int i = 0; i < 2_000; i++) {
      byte[] data = new byte[random.nextInt(48)];
      random.nextBytes(data);
      // Leading zero bytes are the classic failure of radix encodings.
      if (random.nextInt(4) == 0 && data.length > 2) {
        data[0] = 0;
        data[1] = 0;
      }
      String text = base.encode(data);
      assertEquals(base.prefix(), text.charAt(0));
      assertArrayEquals(data, Multibase.decode(text), base + " " + text);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "?abc", "cabc", "zIlO0", "b1", "bab!", "f0", "fzz", "m==", "mAB=", "k!", "b\u212aa"
  })
  void rejectsGarbage(String text) {
    assertRejects(InvalidMultibaseException.class, () -> Multibase.decode(text));
  }

  @Test
  void rejectsImpossibleBase32Lengths() {
    InvalidMultibaseException e =
        assertRejects(InvalidMultibaseException.class, () -> Multibase.decode("babc"));
    assertTrue(e.getMessage().contains("base32"), e.getMessage());
  }

  /**
   * Random text, mostly from the alphabet its prefix announces, must get the spec's verdict; what
   * is accepted must decode to the bytes the spec reads and, when canonical, re-encode to the same
   * text in the case of its prefix.
   */
  @Test
  void randomTextGetsTheSpecsVerdict() {
    assertBothVerdictsCommon(7, 20_000, random -> {
      String input = randomText(random);
      SpecVerdict<MultibaseText> expected = MultiformatsSpecRules.multibase(input);
      if (expected.valid() && !expected.value().canonical()) {
        // Non-zero bits after the last byte: RFC 4648 section 3.5 allows either verdict.
        decodesOrRejectsCleanly(InvalidMultibaseException.class, input, () -> Multibase.decode(input))
            .ifPresent(bytes -> assertArrayEquals(expected.value().bytes(), bytes, input));
        return false; // not counted as accepted: either verdict would do
      }
      Optional<byte[]> decoded =
          expected.assertDecoderAgrees(InvalidMultibaseException.class, input, () -> Multibase.decode(input));
      decoded.ifPresent(bytes -> {
        assertArrayEquals(expected.value().bytes(), bytes, input);
        String reencoded = expected.value().base().encode(bytes);
        assertEquals(MultiformatsSpecRules.inCaseOfPrefix(input), reencoded, input);
      });
      return decoded.isPresent();
    });
  }

  /**
   * Characters outside an alphabet are not in it whatever they lower-case to: KELVIN SIGN (U+212A)
   * lower-cases to 'k' and LATIN CAPITAL LETTER I WITH DOT ABOVE (U+0130) to 'i', so a decoder that
   * lower-cases before it checks for ASCII reads them as base36 digits.
   */
  @ParameterizedTest
  @ValueSource(strings = {"k\u212a", "K\u0130", "k1\u212a2"})
  void rejectsNonAsciiLettersThatLowerCaseIntoTheAlphabet(String text) {
    assertFalse(MultiformatsSpecRules.multibase(text).valid(), text);
    boolean accepted =
        acceptsOrRejectsCleanly(InvalidMultibaseException.class, text, () -> Multibase.decode(text));
    assertFalse(accepted, "DECODER BUG: multibase " + text + " has a character outside the "
        + Multibase.forPrefixOf(text) + " alphabet, yet decodes to "
        + (accepted ? TestVectors.hex(Multibase.decode(text)) : "nothing"));
    InvalidMultibaseException e =
        assertRejects(InvalidMultibaseException.class, () -> Multibase.decode(text));
    assertTrue(e.getMessage().contains("(U+212A)") || e.getMessage().contains("(U+0130)"), e.getMessage());
  }

  /**
   * A supported prefix (usually), then characters mostly from its alphabet in either case, now and
   * then from anywhere (other ASCII, or letters beyond ASCII), and now and then padding.
   */
  private static String randomText(Random random) {
    String prefixes = "fFbBkKzmu";
    char prefix =
        random.nextInt(10) == 0
            ? NOISE.charAt(random.nextInt(NOISE.length()))
            : prefixes.charAt(random.nextInt(prefixes.length()));
    String alphabet =
        switch (prefix) {
          case 'f', 'F' -> MultiformatsSpecRules.BASE16;
          case 'b', 'B' -> MultiformatsSpecRules.BASE32;
          case 'k', 'K' -> MultiformatsSpecRules.BASE36;
          case 'm' -> MultiformatsSpecRules.BASE64;
          case 'u' -> MultiformatsSpecRules.BASE64URL;
          default -> SpecRules.BASE58BTC;
        };
    StringBuilder text = new StringBuilder().append(prefix);
    int length = random.nextInt(24);
    for (int j = 0; j < length; j++) {
      if (random.nextInt(40) == 0) {
        text.append(NOISE.charAt(random.nextInt(NOISE.length())));
      } else {
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        text.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
      }
    }
    if (random.nextInt(20) == 0) {
      text.append("==", 0, 1 + random.nextInt(2)); // padding, which no supported base has
    }
    return text.toString();
  }

  private static String printableAscii() {
    StringBuilder out = new StringBuilder();
    for (char c = 32; c < 127; c++) {
      out.append(c);
    }
    return out.toString();
  }

  private static Multibase byVectorName(String name) {
    String normalized = name.toUpperCase(Locale.ROOT).replace("UPPER", "_UPPER");
    for (Multibase base : Multibase.values()) {
      if (base.name().equals(normalized)) {
        return base;
      }
    }
    return null;
  }

  /** Vector files write a zero byte as {@code \x00}. */
  private static byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\\' && i + 3 < bytes.length && bytes[i + 1] == 'x') {
        out.write(Integer.parseInt(new String(bytes, i + 2, 2, StandardCharsets.US_ASCII), 16));
        i += 3;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toByteArray();
  }
}
