package io.jlibp2p.ping.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The responder echoes whole 32-byte payloads, however the bytes arrive. */
class PingResponderTest {

  private static byte[] payload(int seed) {
    byte[] bytes = new byte[PingResponder.PAYLOAD_SIZE];
    Arrays.fill(bytes, (byte) seed);
    return bytes;
  }

  private static byte[] next(EmbeddedChannel channel) {
    ByteBuf out = channel.readOutbound();
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  @Test
  void aPayloadSplitAcrossReadsIsEchoedOnceWhole() {
    EmbeddedChannel channel = new EmbeddedChannel(new PingResponder());
    byte[] ping = payload(7);
    channel.writeInbound(Unpooled.wrappedBuffer(ping, 0, 10));
    assertNull(channel.readOutbound(), "nothing goes back before the payload is whole");
    channel.writeInbound(Unpooled.wrappedBuffer(ping, 10, 22));
    assertArrayEquals(ping, next(channel));
    assertNull(channel.readOutbound());
    channel.finishAndReleaseAll();
  }

  @Test
  void payloadsThatArriveTogetherAreEchoedOneByOneAndAPartialOneIsHeld() {
    EmbeddedChannel channel = new EmbeddedChannel(new PingResponder());
    ByteBuf in = Unpooled.buffer().writeBytes(payload(1)).writeBytes(payload(2)).writeBytes(new byte[5]);
    channel.writeInbound(in);
    assertArrayEquals(payload(1), next(channel));
    assertArrayEquals(payload(2), next(channel));
    assertNull(channel.readOutbound());
    assertEquals(0, in.refCnt(), "the inbound buffer is released");
    channel.finishAndReleaseAll();
  }
}
