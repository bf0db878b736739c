package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.TestVectors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultibaseTest {

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
  @ValueSource(strings = {"", "?abc", "cabc", "zIlO0", "b1", "bab!", "f0", "fzz", "m==", "mAB=", "k!"})
  void rejectsGarbage(String text) {
    assertRejects(InvalidMultibaseException.class, () -> Multibase.decode(text));
  }

  @Test
  void rejectsImpossibleBase32Lengths() {
    InvalidMultibaseException e =
        assertRejects(InvalidMultibaseException.class, () -> Multibase.decode("babc"));
    assertTrue(e.getMessage().contains("base32"), e.getMessage());
  }

  @Test
  void randomTextDecodesOrFailsCleanly() {
    Random random = new Random(7);
    String prefixes = "fFbBkKzmu";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder().append(prefixes.charAt(random.nextInt(prefixes.length())));
      int length = random.nextInt(20);
      for (int j = 0; j < length; j++) {
        text.append((char) (32 + random.nextInt(95)));
      }
      String input = text.toString();
      acceptsOrRejectsCleanly(InvalidMultibaseException.class, input, () -> Multibase.decode(input));
    }
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
