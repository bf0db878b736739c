package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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

  @Test
  void randomBytesDecodeOrFailCleanly() {
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      byte[] input = new byte[random.nextInt(40)];
      random.nextBytes(input);
      if (random.nextBoolean() && input.length > 1) {
        input[0] = (byte) (random.nextBoolean() ? 0x12 : 0x00); // a supported code, more often
        input[1] = (byte) random.nextInt(40);
      }
      acceptsOrRejectsCleanly(InvalidMultihashException.class, hex(input), () -> Multihash.decode(input));
    }
  }
}
