package io.jlibp2p.yamux.internal;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jlibp2p.yamux.internal.YamuxFrameDecoder.YamuxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link YamuxFrameDecoder} after a protocol error, and once the connection is closed: the rest of
 * the input is discarded unread. Found by {@code YamuxFuzzTest#frames}: a rejected header stayed
 * buffered, and was decoded and rejected again as the channel closed; and since one read's frames
 * were all parsed before the session saw the first, a bad header behind a frame the session closed
 * the connection over was still reported to it.
 */
class YamuxFrameDecoderTest {

  private final List<ByteBuf> fed = new ArrayList<>();
  private final EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(16L << 20));

  @AfterEach
  void nothingIsLeftOrLeaked() {
    assertFalse(channel.finish(), "frames left unread");
    for (ByteBuf buf : fed) {
      assertEquals(0, buf.refCnt(), "input still referenced after the close");
    }
  }

  private static String frame(int type, int flags, long id, long length) {
    return String.format("00%02x%04x%08x%08x", type, flags, id, length);
  }

  private void feed(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    ByteBuf buf = channel.alloc().buffer(bytes.length).writeBytes(bytes);
    fed.add(buf);
    channel.writeInbound(buf);
  }

  @Test
  void discardsEverythingAfterAProtocolError() {
    YamuxProtocolException e = assertRejects(YamuxProtocolException.class, () -> feed("01" + frame(1, 1, 1, 0).substring(2)));
    assertEquals("unsupported yamux version 1", e.getMessage());
    feed(frame(1, 1, 3, 0) + frame(2, 1, 0, 7)); // well-formed, but the input is no longer framed
    assertNull(channel.readInbound());
  }

  @Test
  void aRejectedHeaderIsNotRaisedAgainWhenTheChannelCloses() {
    assertRejects(YamuxProtocolException.class, () -> feed(frame(4, 0, 0, 0)));
    channel.close();
    channel.checkException(); // the header, still buffered, is not decoded a second time
  }

  @Test
  void stopsDecodingOnceTheChannelIsInactive() {
    // The session closes the connection over a frame (a SYN of the wrong parity, say): neither the
    // frame behind it in the same read nor the bad header after that may reach it.
    List<YamuxFrame> seen = new ArrayList<>();
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        seen.add(assertInstanceOf(YamuxFrame.class, msg));
        ctx.close();
      }
    });
    feed(frame(1, 1, 2, 0) + frame(1, 1, 3, 0) + "ff" + frame(1, 1, 5, 0).substring(2));
    assertEquals(1, seen.size(), "frames after the close reached the session");
    assertEquals(2, seen.get(0).streamId());
    assertFalse(channel.isOpen());
  }
}
