package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnsignedVarintTest {

  /** The examples of the unsigned-varint spec, plus the 63-bit maximum. */
  @ParameterizedTest
  @CsvSource({
    "1, 01",
    "127, 7f",
    "128, 8001",
    "255, ff01",
    "300, ac02",
    "16384, 808001",
    "0, 00",
    "9223372036854775807, ffffffffffffffff7f"
  })
  void specExamples(long value, String encoded) {
    assertEquals(encoded, hex(UnsignedVarint.encode(value)));
    assertEquals(value, UnsignedVarint.decode(hex(encoded)));
    assertEquals(encoded.length() / 2, UnsignedVarint.encodedLength(value));
    ByteBuf buf = Unpooled.buffer();
    try {
      UnsignedVarint.write(value, buf);
      assertEquals(encoded.length() / 2, buf.readableBytes());
      assertEquals(value, UnsignedVarint.read(buf));
      assertEquals(0, buf.readableBytes());
    } finally {
      buf.release();
    }
  }

  @ParameterizedTest
  @CsvSource({"8000", "ff00", "80808000", "8180808000"})
  void rejectsNonMinimalEncodings(String encoded) {
    InvalidVarintException e =
        assertRejects(InvalidVarintException.class, () -> UnsignedVarint.decode(hex(encoded)));
    assertTrue(e.getMessage().contains("minimal"), e.getMessage());
  }

  @Test
  void rejectsMoreThanNineBytes() {
    InvalidVarintException e =
        assertRejects(
            InvalidVarintException.class,
            () -> UnsignedVarint.decode(hex("ffffffffffffffffff01")));
    assertTrue(e.getMessage().contains("9 bytes"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"''", "80", "ff", "ffff", "ffffffffffffffff"})
  void rejectsTruncatedInput(String encoded) {
    InvalidVarintException e =
        assertRejects(InvalidVarintException.class, () -> UnsignedVarint.decode(hex(encoded)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void rejectsTrailingBytesInWholeArrayDecode() {
    assertRejects(InvalidVarintException.class, () -> UnsignedVarint.decode(hex("0101")));
  }

  @Test
  void refusesToEncodeNegativeValues() {
    assertThrows(IllegalArgumentException.class, () -> UnsignedVarint.encode(-1));
  }

  @Test
  void incompleteBufferLeavesReaderIndexForLater() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("ac"));
    try {
      assertEquals(UnsignedVarint.INCOMPLETE, UnsignedVarint.readIfComplete(buf));
      assertEquals(0, buf.readerIndex());
      ByteBuf more = Unpooled.wrappedBuffer(hex("ac02"));
      try {
        assertEquals(300, UnsignedVarint.readIfComplete(more));
        assertEquals(2, more.readerIndex());
      } finally {
        more.release();
      }
    } finally {
      buf.release();
    }
  }

  @Test
  void invalidBufferLeavesReaderIndexUnchanged() {
    ByteBuf buf = Unpooled.wrappedBuffer(hex("8000"));
    try {
      assertRejects(InvalidVarintException.class, () -> UnsignedVarint.readIfComplete(buf));
      assertEquals(0, buf.readerIndex());
      assertRejects(InvalidVarintException.class, () -> UnsignedVarint.read(buf));
      assertEquals(0, buf.readerIndex());
    } finally {
      buf.release();
    }
  }

  @Test
  void readsAtAnOffset() {
    assertEquals(300, UnsignedVarint.read(hex("ffac02"), 1));
  }

  @Test
  void randomValuesRoundTripInBothForms() {
    Random random = new Random(0x5eed);
    for (int i = 0; i < 20_000; i++) {
      // Spread over all lengths: a random bit width, then a random value of that width.
      long value = random.nextLong() >>> (1 + random.nextInt(63));
      byte[] encoded = UnsignedVarint.encode(value);
      assertEquals(value, UnsignedVarint.decode(encoded), "value " + value);
      ByteBuf buf = Unpooled.buffer();
      try {
        UnsignedVarint.write(value, buf);
        assertArrayEquals(encoded, ByteBufUtil.getBytes(buf));
        assertEquals(value, UnsignedVarint.readIfComplete(buf));
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void randomBytesDecodeOrFailCleanly() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] input = new byte[random.nextInt(12)];
      random.nextBytes(input);
      String shown = hex(input);
      if (acceptsOrRejectsCleanly(
          InvalidVarintException.class, shown, () -> UnsignedVarint.decode(input))) {
        assertArrayEquals(input, UnsignedVarint.encode(UnsignedVarint.decode(input)), shown);
      }
    }
  }
}
