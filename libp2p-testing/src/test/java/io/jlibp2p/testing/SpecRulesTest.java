package io.jlibp2p.testing;

import static io.jlibp2p.testing.SpecRules.IDENTITY;
import static io.jlibp2p.testing.SpecRules.SHA2_256;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared oracle against the specs' own examples: an oracle that is wrong passes wrong decoders. */
class SpecRulesTest {

  private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

  /** The unsigned-varint spec's examples. */
  @ParameterizedTest
  @CsvSource({"0, 00", "1, 01", "127, 7f", "128, 8001", "255, ff01", "300, ac02", "16384, 808001"})
  void varintsAreTheSpecsExamples(long value, String encoded) throws SpecViolation {
    assertEquals(encoded, hex(SpecRules.varint(value)));
    assertEquals(new SpecRules.Varint(value, encoded.length() / 2), SpecRules.readUvarint(hex(encoded), 0, "x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "80", "8000", "ff00", "ffffffffffffffffff01"})
  void truncatedPaddedOrTooLongVarintsBreakTheRules(String encoded) {
    assertThrows(SpecViolation.class, () -> SpecRules.readUvarint(hex(encoded), 0, "x"));
  }

  @Test
  void protobufVarintsMayTakeTenBytes() throws SpecViolation {
    byte[] max = hex("ffffffffffffffffff01");
    assertEquals(new SpecRules.Varint(-1L, 10), SpecRules.readProtobufVarint(max, 0, "x"));
  }

  @Test
  void aSha256MultihashNeedsItsWholeDigest() throws SpecViolation {
    byte[] digest = new byte[32];
    digest[0] = 7;
    byte[] multihash = concat(hex("1220"), digest);
    SpecRules.MultihashParts parts = SpecRules.readMultihash(multihash, 0, IDENTITY, SHA2_256);
    assertEquals(SHA2_256, parts.code());
    assertArrayEquals(digest, parts.digest());
    assertEquals(34, parts.end());
    assertThrows(SpecViolation.class, () -> SpecRules.readMultihash(hex("1201aa"), 0, SHA2_256));
    assertThrows(SpecViolation.class, () -> SpecRules.readMultihash(multihash, 0, IDENTITY));
    assertThrows(SpecViolation.class, () -> SpecRules.readMultihash(hex("0005aabb"), 0, IDENTITY));
  }

  @Test
  void aCidV1IsVersionCodecAndMultihashAndNothingElse() throws SpecViolation {
    SpecRules.CidParts cid = SpecRules.readCidV1(hex("0172" + "0003aabbcc"), IDENTITY);
    assertEquals(0x72, cid.codec());
    assertEquals(2, cid.multihash().start());
    assertArrayEquals(hex("aabbcc"), cid.multihash().digest());
    assertThrows(SpecViolation.class, () -> SpecRules.readCidV1(hex("0072" + "0000"), IDENTITY));
    assertThrows(SpecViolation.class, () -> SpecRules.readCidV1(hex("0172" + "0000" + "00"), IDENTITY));
  }

  /** "1" stands for a zero byte, and "2" is 1: base58btc's leading zeros are digits, not padding. */
  @Test
  void bigNumbersKeepTheirLeadingZeroBytes() throws SpecViolation {
    assertArrayEquals(hex("000001"), SpecRules.bigNumber("112", SpecRules.BASE58BTC, false));
    assertArrayEquals(hex("00ff"), SpecRules.bigNumber("073", BASE36, false));
    assertArrayEquals(hex("5f"), SpecRules.bigNumber("2N", BASE36, true));
    assertThrows(SpecViolation.class, () -> SpecRules.bigNumber("2N", BASE36, false));
    assertThrows(SpecViolation.class, () -> SpecRules.bigNumber("0", SpecRules.BASE58BTC, false));
    // KELVIN SIGN lower-cases to 'k', but it is not an ASCII letter.
    assertThrows(SpecViolation.class, () -> SpecRules.digit('\u212a', BASE36, true));
  }

  @Test
  void aVerdictNamesTheBrokenRuleAndADecoderMustAgree() {
    SpecVerdict<String> valid = SpecVerdict.of(() -> "ok");
    SpecVerdict<String> invalid = SpecVerdict.of(() -> {
      throw new SpecViolation("rule 1");
    });
    assertTrue(valid.valid());
    assertFalse(invalid.valid());
    assertEquals("rule 1", invalid.violation());
    assertEquals(Optional.of("ok"), valid.assertDecoderAgrees(IllegalArgumentException.class, "in", () -> "ok"));
    assertThrows(AssertionError.class,
        () -> invalid.assertDecoderAgrees(IllegalArgumentException.class, "in", () -> "accepted anyway"));
    assertThrows(AssertionError.class, () -> valid.assertDecoderAgrees(IllegalArgumentException.class, "in", () -> {
      throw new IllegalArgumentException("rejected anyway");
    }));
    assertThrows(AssertionError.class, () -> invalid.assertDecoderAgrees(IllegalArgumentException.class, "in", () -> {
      throw new IllegalStateException("not a clean rejection");
    }));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
