package io.jlibp2p.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.conformance.EmbeddedChannels;
import io.jlibp2p.core.conformance.PeerNotReadingChannel;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** yamux frames byte for byte: header = version, type, flags (2), stream ID (4), length (4). */
class YamuxWireTest {

  private final List<Stream> opened = new ArrayList<>();
  private final List<Integer> read = new ArrayList<>();
  private EmbeddedChannel channel;
  private StreamMuxer.Session session;

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  /** A listening-side session (the remote opens odd streams), without keepalive pings. */
  private void start() {
    start(new EmbeddedChannel());
  }

  /** The same session on {@code channel}. */
  private void start(EmbeddedChannel channel) {
    session = YamuxStreamMuxer.builder().keepAlive(Duration.ZERO).build()
        .newSession(new MuxerParameters(Direction.INBOUND, stream -> {
          opened.add(stream);
          stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              read.add(((ByteBuf) msg).readableBytes());
              ((ByteBuf) msg).release();
            }
          });
        }));
    this.channel = channel;
    channel.pipeline().addLast(session.handler());
  }

  private static String frame(int type, int flags, long id, long length) {
    return String.format("00%02x%04x%08x%08x", type, flags, id, length);
  }

  /**
   * A dialing-side session that pings every second, on a channel whose clock only the test moves;
   * the first ping is already out.
   */
  private void startWithKeepAlive() {
    session = YamuxStreamMuxer.builder().keepAlive(Duration.ofSeconds(1)).build()
        .newSession(new MuxerParameters(Direction.OUTBOUND, stream -> {}));
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(session.handler());
    channel.runScheduledPendingTasks();
  }

  private void feed(String hex) {
    EmbeddedChannels.feedHex(channel, hex);
  }

  private String written() {
    return EmbeddedChannels.writtenHex(channel);
  }

  @Test
  void streamOpenedByWindowUpdateWithSynIsAcknowledged() {
    start();
    feed(frame(1, 1, 1, 0)); // WindowUpdate + SYN on stream 1, as go opens streams
    assertEquals(1, opened.size());
    assertEquals(frame(1, 2, 1, 0), written(), "WindowUpdate + ACK");
  }

  @Test
  void streamOpenedByDataWithSynIsAcknowledgedAndReadable() {
    start();
    feed(frame(0, 1, 3, 3) + "010203"); // Data + SYN on stream 3
    assertEquals(1, opened.size());
    assertEquals(List.of(3), read);
    assertEquals(frame(1, 2, 3, 0), written());
  }

  @Test
  void creditReturnsOnlyWhenTheApplicationReads() {
    start();
    feed(frame(1, 1, 1, 0));
    written();
    Stream stream = opened.get(0);
    stream.config().setAutoRead(false);
    byte[] half = new byte[128 * 1024];
    feed(frame(0, 0, 1, half.length) + HexFormat.of().formatHex(half));
    assertEquals("", written(), "nothing read, so no window update");
    stream.read();
    channel.runPendingTasks();
    assertEquals(frame(1, 0, 1, half.length), written(), "the bytes read are credited back");
  }

  @Test
  void dataBeyondTheWindowIsAProtocolError() {
    start();
    feed(frame(1, 1, 1, 0));
    written();
    opened.get(0).config().setAutoRead(false);
    byte[] tooMuch = new byte[256 * 1024 + 1];
    feed(frame(0, 0, 1, tooMuch.length) + HexFormat.of().formatHex(tooMuch));
    assertEquals(frame(3, 0, 0, 1), written(), "GoAway with the protocol error code");
    assertFalse(channel.isOpen());
  }

  @Test
  void pingsAreAnsweredWithTheSameValue() {
    start();
    feed(frame(2, 1, 0, 0xcafe));
    assertEquals(frame(2, 2, 0, 0xcafe), written());
  }

  @Test
  void closingSaysGoAwayNormally() {
    start();
    channel.close();
    assertEquals(frame(3, 0, 0, 0), written());
  }

  @Test
  void unansweredKeepaliveClosesTheConnection() {
    startWithKeepAlive();
    assertEquals(frame(2, 1, 0, 1), written(), "the first ping goes out at once");
    channel.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertFalse(channel.isOpen(), "no answer within the interval");
  }

  @Test
  void answeredKeepaliveKeepsTheConnection() {
    startWithKeepAlive();
    written();
    feed(frame(2, 2, 0, 1)); // the ACK
    channel.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertTrue(channel.isOpen());
    assertEquals(frame(2, 1, 0, 2), written(), "the next ping");
  }

  @Test
  void streamsWithTheWrongParityAreRefused() {
    start();
    feed(frame(1, 1, 2, 0)); // even: ours to open, not the dialer's
    assertTrue(written().startsWith(frame(3, 0, 0, 1)));
    assertFalse(channel.isOpen());
  }

  @Test
  void pingFloodFromAPeerThatDoesNotReadClosesTheConnection() {
    PeerNotReadingChannel connection = new PeerNotReadingChannel();
    int[] pongs = {0};
    connection.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        pongs[0]++;
        ctx.write(msg, promise);
      }
    });
    start(connection);
    StringBuilder flood = new StringBuilder();
    for (int i = 0; i < 12_000; i++) {
      flood.append(frame(2, 1, 0, i));
    }
    List<Object> events = EmbeddedChannels.userEventsAtTheEnd(channel);
    feed(flood.toString());
    assertFalse(channel.isOpen());
    // The session tells a host's last handler of the limit, as an event, before it closes.
    assertTrue(events.stream().anyMatch(e -> e instanceof LimitExceededException l && l.getMessage().contains("does not read its answers")),
        events.toString());
    // Each pong is 12 bytes plus Netty's 96 of bookkeeping: 1 MiB beyond 64 KiB is some 10,300.
    assertTrue(pongs[0] > 10_000 && pongs[0] < 10_500, pongs[0] + " pongs queued");
  }

  @Test
  void pingsAreAnsweredWhileDataFillsTheConnection() {
    PeerNotReadingChannel connection = new PeerNotReadingChannel();
    start(connection);
    feed(frame(1, 1, 1, 0));
    opened.get(0).writeAndFlush(Unpooled.wrappedBuffer(new byte[1 << 20]));
    channel.runPendingTasks();
    assertFalse(channel.isWritable(), "a 256 KiB frame fills the connection");
    long pending = connection.pendingBytes();
    for (int i = 0; i < 1_000; i++) {
      feed(frame(2, 1, 0, i));
    }
    assertTrue(channel.isOpen(), "one data frame and a thousand pongs are within the bound");
    assertTrue(connection.pendingBytes() >= pending + 1_000 * 12, "every ping answered");
  }

  @Test
  void finAndRstReachTheStream() {
    start();
    feed(frame(1, 1, 1, 0) + frame(1, 1, 3, 0));
    feed(frame(1, 4, 1, 0)); // FIN
    assertTrue(opened.get(0).isRemoteClosed());
    feed(frame(1, 8, 3, 0)); // RST
    assertFalse(opened.get(1).isOpen());
  }
}
