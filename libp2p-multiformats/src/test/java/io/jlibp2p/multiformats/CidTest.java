package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.assertBothVerdictsCommon;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.SpecRules.CidParts;
import io.jlibp2p.testing.SpecRules.MultihashParts;
import io.jlibp2p.testing.SpecVerdict;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidTest {

  /** The peer-id spec's CID example and the multihash it carries. */
  @Test
  void specExample() {
    Cid cid = Cid.decode("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    assertEquals(Cid.LIBP2P_KEY, cid.codec());
    assertEquals(
        "12209dff3b17d74cf4d38a50d8b6383e92d181a10395a5e73a726dcccbd21bf6f0b9",
        hex(cid.multihash().toBytes()));
    assertEquals("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", cid.toString());
  }

  @Test
  void printsInAnyMultibaseAndParsesBack() {
    Cid cid = Cid.of(Cid.LIBP2P_KEY, Multihash.digest(Multihash.Type.SHA2_256, new byte[] {1, 2}));
    for (Multibase base : Multibase.values()) {
      assertEquals(cid, Cid.decode(cid.toString(base)), base.name());
    }
  }

  @Test
  void rejectsVersionZeroWithAClearMessage() {
    InvalidCidException e =
        assertRejects(
            InvalidCidException.class,
            () -> Cid.decode("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"));
    assertTrue(e.getMessage().contains("multibase"), e.getMessage());
    e =
        assertRejects(
            InvalidCidException.class,
            () -> Cid.decode(hex("1220" + "00".repeat(32))));
    assertTrue(e.getMessage().contains("version"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "b", "bafz", "baeaqaa", "zzzz", "?bafz"})
  void rejectsGarbageText(String text) {
    assertRejects(InvalidCidException.class, () -> Cid.decode(text));
  }

  /**
   * Random bytes, and random CIDs one mistake away from a valid CIDv1, must get the spec's verdict;
   * an accepted one must equal the CID built from what the spec reads, and re-encode to the same
   * bytes.
   */
  @Test
  void randomBytesGetTheSpecsVerdict() {
    assertBothVerdictsCommon(11, 20_000, random -> {
      byte[] input = randomInput(random);
      String shown = hex(input);
      SpecVerdict<CidParts> expected = MultiformatsSpecRules.cidV1(input);
      Optional<Cid> decoded =
          expected.assertDecoderAgrees(InvalidCidException.class, shown, () -> Cid.decode(input));
      decoded.ifPresent(cid -> {
        MultihashParts multihash = expected.value().multihash();
        Cid built =
            Cid.of(
                expected.value().codec(),
                Multihash.of(Multihash.Type.forCode(multihash.code()), multihash.digest()));
        assertEquals(built, cid, shown);
        assertArrayEquals(input, cid.toBytes(), shown);
      });
      return decoded.isPresent();
    });
  }

  private static byte[] randomInput(Random random) {
    switch (random.nextInt(8)) {
      case 0 -> {
        byte[] input = RandomInputs.bytes(random, 40);
        if (input.length > 3 && random.nextBoolean()) {
          input[0] = 1;
          input[1] = 0x72;
          input[2] = 0x00;
        }
        return input;
      }
      case 1 -> {
        // The binary CIDv0, a bare sha2-256 multihash: a CID, but not one Cid decodes.
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return RandomInputs.mutate(ByteArrays.concat(new byte[] {0x12, 0x20}, digest), random);
      }
      default -> {
        long version = random.nextInt(4) == 0 ? random.nextInt(4) : 1;
        long codec =
            switch (random.nextInt(4)) {
              case 0, 1 -> Cid.LIBP2P_KEY;
              case 2 -> new long[] {0x55, 0x70, 0x71, 0x0129}[random.nextInt(4)];
              default -> random.nextLong() >>> (1 + random.nextInt(63));
            };
        byte[] cid =
            ByteArrays.concat(
                UnsignedVarint.encode(version),
                UnsignedVarint.encode(codec),
                RandomInputs.multihash(random));
        return RandomInputs.mutate(cid, random);
      }
    }
  }
}
