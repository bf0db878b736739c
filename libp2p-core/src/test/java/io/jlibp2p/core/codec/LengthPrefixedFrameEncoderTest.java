package io.jlibp2p.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LengthPrefixedFrameEncoderTest {

  private EmbeddedChannel channel;

  @AfterEach
  void close() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private static byte[] readAll(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void prefixesEachMessageWithItsMinimalUvarintLength() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameEncoder(1 << 20));
    channel.writeOutbound(Unpooled.wrappedBuffer(new byte[] {'h', 'i'}));
    assertArrayEquals(HexFormat.of().parseHex("026869"), readAll(channel.readOutbound()));
    byte[] body = new byte[300];
    channel.writeOutbound(Unpooled.wrappedBuffer(body));
    byte[] framed = readAll(channel.readOutbound());
    assertEquals("ac02", HexFormat.of().formatHex(framed, 0, 2), "300 as a two-byte uvarint");
    assertEquals(302, framed.length);
    channel.writeOutbound(Unpooled.EMPTY_BUFFER);
    assertArrayEquals(new byte[] {0}, readAll(channel.readOutbound()), "an empty message is its zero prefix");
  }

  @Test
  void whatItWritesTheDecoderReadsBack() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameEncoder(1 << 20));
    EmbeddedChannel reader = new EmbeddedChannel(new LengthPrefixedFrameDecoder(1 << 20));
    Random random = new Random(24);
    try {
      for (int length : new int[] {0, 1, 127, 128, 16_383, 16_384, 70_000}) {
        byte[] message = new byte[length];
        random.nextBytes(message);
        channel.writeOutbound(Unpooled.wrappedBuffer(message));
        reader.writeInbound((ByteBuf) channel.readOutbound());
        assertArrayEquals(message, readAll(reader.readInbound()), length + " bytes");
      }
    } finally {
      reader.finishAndReleaseAll();
    }
  }

  @Test
  void aMessageOverTheLimitFailsItsWriteAndIsReleased() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameEncoder(4));
    ByteBuf tooLong = Unpooled.buffer().writeBytes(new byte[5]);
    ChannelFuture write = channel.writeAndFlush(tooLong);
    LimitExceededException e = assertInstanceOf(LimitExceededException.class, write.cause());
    assertEquals("outbound message of 5 bytes exceeds the limit of 4", e.getMessage());
    assertEquals(0, tooLong.refCnt(), "released, not leaked");
    assertNull(channel.readOutbound(), "nothing of it is written");
    assertTrue(channel.isActive(), "the channel stays usable");
    channel.writeOutbound(Unpooled.wrappedBuffer(new byte[4]));
    assertEquals(5, readAll(channel.readOutbound()).length);
  }

  @Test
  void otherMessagesPassThrough() {
    channel = new EmbeddedChannel(new LengthPrefixedFrameEncoder(4));
    Object halfClose = new Object();
    channel.writeOutbound(halfClose);
    assertSame(halfClose, channel.readOutbound());
    assertFalse(channel.outboundMessages().iterator().hasNext());
  }

  @Test
  void aNegativeLimitIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LengthPrefixedFrameEncoder(-1));
  }
}
