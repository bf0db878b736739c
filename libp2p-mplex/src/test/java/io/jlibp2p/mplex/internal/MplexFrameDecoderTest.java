package io.jlibp2p.mplex.internal;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.mplex.internal.MplexFrameDecoder.MplexProtocolException;
import io.jlibp2p.multiformats.InvalidVarintException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MplexFrameDecoder} on hand-built bytes (mplex spec, "Message format": {@code
 * uvarint(streamId << 3 | flag)}, {@code uvarint(length)}, body).
 *
 * <p>Input is allocated from the channel's allocator, so the leak detector tracks it, and every
 * buffer fed in must end with no references once the channel has closed and the frames are
 * released: that is what "nothing leaks" means here, checked after each test.
 */
class MplexFrameDecoderTest {

  /**
   * Stream 300, so the header takes two bytes: 300 << 3 = 2400 is {@code e0 12} (its low seven bits,
   * 0x60, with the continuation bit, then 18), and flag f makes the first byte {@code e0 | f}.
   */
  private static final long STREAM = 300;

  /** What a frame held; its body is released as soon as it has been read. */
  private record Decoded(long streamId, int flag, String body) {}

  private final List<ByteBuf> fed = new ArrayList<>();
  private final EmbeddedChannel channel = new EmbeddedChannel(new MplexFrameDecoder());

  @AfterEach
  void nothingIsLeftOrLeaked() {
    boolean leftOver = channel.finish();
    List<Decoded> unread = frames();
    assertFalse(leftOver, "frames left unread: " + unread);
    for (ByteBuf buf : fed) {
      assertEquals(0, buf.refCnt(), "input still referenced after the close");
    }
  }

  private void feed(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    ByteBuf buf = channel.alloc().buffer(bytes.length).writeBytes(bytes);
    fed.add(buf);
    channel.writeInbound(buf);
  }

  /** Takes every decoded frame and releases its body. */
  private List<Decoded> frames() {
    List<Decoded> frames = new ArrayList<>();
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      MplexFrame frame = assertInstanceOf(MplexFrame.class, msg);
      frames.add(new Decoded(frame.streamId(), frame.flag(), ByteBufUtil.hexDump(frame.body())));
      frame.body().release();
    }
    return frames;
  }

  private static String header(int flag) {
    return String.format("%02x12", 0xe0 | flag);
  }

  // ---- valid frames ----

  @ParameterizedTest(name = "flag {0}")
  @ValueSource(ints = {
      MplexFlag.NEW_STREAM, MplexFlag.MESSAGE_RECEIVER, MplexFlag.MESSAGE_INITIATOR, MplexFlag.CLOSE_RECEIVER,
      MplexFlag.CLOSE_INITIATOR, MplexFlag.RESET_RECEIVER, MplexFlag.RESET_INITIATOR})
  void decodesAFrameOfEachFlag(int flag) {
    feed(header(flag) + "03" + "aabbcc");
    assertEquals(List.of(new Decoded(STREAM, flag, "aabbcc")), frames());
  }

  @Test
  void passesTheUndefinedFlagSevenOnForTheSessionToSkip() {
    feed(header(7) + "01" + "dd" + header(MplexFlag.MESSAGE_INITIATOR) + "01" + "ee");
    assertEquals(
        List.of(new Decoded(STREAM, 7, "dd"), new Decoded(STREAM, MplexFlag.MESSAGE_INITIATOR, "ee")), frames(),
        "flag 7 is framed like any other, and the frame after it is still read");
  }

  @Test
  void anEmptyBodyIsAnEmptyBufferNotNull() {
    feed("0800"); // NewStream 1 without a name
    assertEquals(List.of(new Decoded(1, MplexFlag.NEW_STREAM, "")), frames());
  }

  @Test
  void decodesTheLargestHeaderAVarintCarries() {
    // 2^63 - 2 in nine bytes: stream 2^60 - 1, flag 6.
    feed("feffffffffffffff7f" + "00");
    assertEquals(List.of(new Decoded((1L << 60) - 1, MplexFlag.RESET_INITIATOR, "")), frames());
  }

  @Test
  void decodesAFrameOfExactlyTheMaximumSize() {
    // 1 MiB = 0x100000: 80 80 40. A body this large is sliced rather than copied.
    feed("0a" + "808040" + "ab".repeat(MplexFrame.MAX_MESSAGE_SIZE));
    Object msg = channel.readInbound();
    MplexFrame frame = assertInstanceOf(MplexFrame.class, msg);
    try {
      assertEquals(1, frame.streamId());
      assertEquals(MplexFlag.MESSAGE_INITIATOR, frame.flag());
      assertEquals(MplexFrame.MAX_MESSAGE_SIZE, frame.body().readableBytes());
      assertEquals((byte) 0xab, frame.body().getByte(MplexFrame.MAX_MESSAGE_SIZE - 1));
    } finally {
      frame.body().release();
    }
    assertNull(channel.readInbound());
  }

  // ---- framing across reads ----

  /** A frame whose header and length both take two bytes: length 200 = c8 01. */
  private static String twoByteVarintFrame() {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      body.append(String.format("%02x", i));
    }
    return header(MplexFlag.MESSAGE_INITIATOR) + "c801" + body;
  }

  @Test
  void aFrameFedOneByteAtATimeIsDecodedOnceWhole() {
    String frame = twoByteVarintFrame();
    int length = frame.length() / 2;
    for (int i = 0; i < length - 1; i++) {
      feed(frame.substring(2 * i, 2 * i + 2));
      assertNull(channel.readInbound(), "a frame after only " + (i + 1) + " of " + length + " bytes");
    }
    feed(frame.substring(frame.length() - 2));
    assertEquals(List.of(new Decoded(STREAM, MplexFlag.MESSAGE_INITIATOR, frame.substring(8))), frames());
  }

  @Test
  void aFrameSplitAtEveryByteBoundaryIsReassembled() {
    String frame = twoByteVarintFrame();
    for (int split = 1; split < frame.length() / 2; split++) {
      feed(frame.substring(0, 2 * split));
      assertNull(channel.readInbound(), "a frame from the first " + split + " bytes");
      feed(frame.substring(2 * split));
      assertEquals(List.of(new Decoded(STREAM, MplexFlag.MESSAGE_INITIATOR, frame.substring(8))), frames(),
          "split after byte " + split);
    }
  }

  @Test
  void decodesSeveralFramesFromOneBufferInOrder() {
    feed("1000" + "1201aa" + "1400" + "0a0201"); // NewStream 2, data on 2, close 2, then half a frame
    assertEquals(
        List.of(
            new Decoded(2, MplexFlag.NEW_STREAM, ""),
            new Decoded(2, MplexFlag.MESSAGE_INITIATOR, "aa"),
            new Decoded(2, MplexFlag.CLOSE_INITIATOR, "")),
        frames());
    feed("02");
    assertEquals(List.of(new Decoded(1, MplexFlag.MESSAGE_INITIATOR, "0102")), frames());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "e0", // half a header
      "e212c8", // half a length
      "0a03aabb", // part of a body
      "0a808040aabb"}) // part of a body of the maximum size
  void truncatedInputYieldsNothingAndIsReleasedOnClose(String prefix) {
    feed(prefix);
    assertNull(channel.readInbound());
    assertTrue(channel.isOpen(), "a frame still arriving is no error");
    channel.close();
    assertEquals(List.of(), frames(), "a frame cut off by the close is dropped");
  }

  @Test
  void stopsDecodingOnceTheChannelIsInactive() {
    // The session closes the connection over a frame (a duplicate NewStream, say): the frames behind
    // it in the same read must not reach it.
    List<Decoded> seen = new ArrayList<>();
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        MplexFrame frame = (MplexFrame) msg;
        seen.add(new Decoded(frame.streamId(), frame.flag(), ByteBufUtil.hexDump(frame.body())));
        frame.body().release();
        ctx.close();
      }
    });
    feed("1000" + "0800" + "0a01aa");
    assertEquals(List.of(new Decoded(2, MplexFlag.NEW_STREAM, "")), seen);
  }

  // ---- rejected input ----

  @Test
  void rejectsALengthOverTheMaximumBeforeTheBodyArrives() {
    MplexProtocolException e = assertRejects(MplexProtocolException.class, () -> feed("0a" + "818040")); // 1 MiB + 1
    assertEquals("frame of 1048577 bytes exceeds the 1048576-byte maximum", e.getMessage());
  }

  @Test
  void rejectsTheLargestLengthAVarintCarriesWithoutOverflow() {
    MplexProtocolException e = assertRejects(MplexProtocolException.class, () -> feed("00" + "ffffffffffffffff7f"));
    assertEquals("frame of " + Long.MAX_VALUE + " bytes exceeds the 1048576-byte maximum", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "8000", // header with a trailing zero byte
      "00" + "8100", // length with a trailing zero byte
      "ffffffffffffffffff", // header of nine bytes that all continue
      "00" + "ffffffffffffffffff"}) // length of nine bytes that all continue
  void rejectsMalformedVarints(String hex) {
    MplexProtocolException e = assertRejects(MplexProtocolException.class, () -> feed(hex));
    assertTrue(e.getMessage().startsWith("malformed frame header: varint "), e.getMessage());
    assertInstanceOf(InvalidVarintException.class, e.getCause());
  }

  @Test
  void anOverlongVarintIsRejectedAtItsNinthContinuationByte() {
    for (int i = 0; i < UnsignedVarint.MAX_LENGTH - 1; i++) {
      feed("ff");
    }
    assertNull(channel.readInbound(), "eight continuation bytes may still end in a valid varint");
    assertRejects(MplexProtocolException.class, () -> feed("ff"));
  }

  @Test
  void discardsEverythingAfterAProtocolError() {
    assertRejects(MplexProtocolException.class, () -> feed("8000"));
    feed("0800" + "0a01aa"); // well-formed, but the input is no longer framed
    assertEquals(List.of(), frames());
  }
}
