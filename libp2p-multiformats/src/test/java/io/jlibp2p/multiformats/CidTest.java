package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void randomBytesDecodeOrFailCleanly() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      byte[] input = new byte[random.nextInt(40)];
      random.nextBytes(input);
      if (input.length > 3 && random.nextBoolean()) {
        input[0] = 1;
        input[1] = 0x72;
        input[2] = 0x00;
      }
      acceptsOrRejectsCleanly(InvalidCidException.class, hex(input), () -> Cid.decode(input));
    }
  }
}
