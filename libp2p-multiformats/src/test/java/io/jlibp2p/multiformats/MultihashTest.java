package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.assertBothVerdictsCommon;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.SpecRules.MultihashParts;
import io.jlibp2p.testing.SpecVerdict;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MultihashTest {

  private static final byte[] FOOBAR = "foobar".getBytes(StandardCharsets.UTF_8);

  /** Examples from the multihash spec's README and its sha2 test table. */
  @ParameterizedTest
  @CsvSource({
    "SHA2_256, 1220c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2",
    "SHA2_512, 13400a50261ebd1a390fed2bf326f2673c145582a6342d523204973d0219337f81616a8069b012587cf5635f6925f1b56c360230c19b273500ee013e030601bf2425",
    "IDENTITY, 0006666f6f626172"
  })
  void knownDigests(Multihash.Type type, String expected) {
    Multihash hash = Multihash.digest(type, FOOBAR);
    assertEquals(expected, hex(hash.toBytes()));
    assertEquals(hash, Multihash.decode(hex(expected)));
    assertTrue(hash.verify(FOOBAR));
    assertFalse(hash.verify("foobaz".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectsUnsupportedFunctionNamingTheCode() {
    // md5 (0xd5) is a valid multihash code that jlibp2p does not compute.
    InvalidMultihashException e =
        assertRejects(
            InvalidMultihashException.class,
            () -> Multihash.decode(hex("d50110" + "00".repeat(16))));
    assertTrue(e.getMessage().contains("0xd5"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "'', empty",
    "12, truncated length",
    "1220, digest missing",
    "122000, digest shorter than claimed",
    "1210" + "00000000000000000000000000000000" + ", wrong length for sha2-256",
    "00030102030405, trailing bytes",
    "80, truncated code varint",
    "0080, truncated length varint",
    "00ffffffffffffffffff01, oversized length varint"
  })
  void rejectsMalformedInput(String input, String why) {
    assertRejects(InvalidMultihashException.class, () -> Multihash.decode(hex(input)));
  }

  @Test
  void rejectsWrongDigestLengthWhenWrapping() {
    assertRejects(
        InvalidMultihashException.class, () -> Multihash.of(Multihash.Type.SHA2_256, new byte[31]));
  }

  @ParameterizedTest
  @EnumSource(Multihash.Type.class)
  void randomDataRoundTrips(Multihash.Type type) {
    Random random = new Random(type.code());
    for (int i = 0; i < 2_000; i++) {
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      Multihash hash = Multihash.digest(type, data);
      Multihash decoded = Multihash.decode(hash.toBytes());
      assertEquals(hash, decoded);
      assertEquals(hash.hashCode(), decoded.hashCode());
      assertTrue(decoded.verify(data));
      assertArrayEquals(hash.digest(), decoded.digest());
    }
  }

  /**
   * Random bytes, and random multihashes one mistake away from valid, must get the spec's verdict;
   * an accepted one must be exactly what the spec reads and re-encode to the same bytes.
   */
  @Test
  void randomBytesGetTheSpecsVerdict() {
    assertBothVerdictsCommon(3, 20_000, random -> {
      byte[] input =
          random.nextInt(4) == 0
              ? RandomInputs.bytes(random, 40)
              : RandomInputs.mutate(RandomInputs.multihash(random), random);
      String shown = hex(input);
      SpecVerdict<MultihashParts> expected = MultiformatsSpecRules.multihash(input);
      Optional<Multihash> decoded =
          expected.assertDecoderAgrees(InvalidMultihashException.class, shown, () -> Multihash.decode(input));
      decoded.ifPresent(hash -> {
        assertEquals(expected.value().code(), hash.type().code(), shown);
        assertArrayEquals(expected.value().digest(), hash.digest(), shown);
        assertArrayEquals(input, hash.toBytes(), shown);
      });
      return decoded.isPresent();
    });
  }
}
