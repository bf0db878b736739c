package io.jlibp2p.mplex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.conformance.EmbeddedChannels;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.conformance.PeerNotReadingChannel;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.muxer.StreamResetException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** mplex frames byte for byte, per the spec's header = (id << 3) | flag. */
class MplexWireTest {

  private final List<Stream> opened = new ArrayList<>();
  /** Ends the pipeline of every stream, of either side. */
  private final InboundRecorder streams = new InboundRecorder();
  private EmbeddedChannel channel;
  private StreamMuxer.Session session;

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  private void start(MplexStreamMuxer muxer) {
    start(muxer, new EmbeddedChannel());
  }

  private void start(MplexStreamMuxer muxer, EmbeddedChannel channel) {
    session =
        muxer.newSession(new MuxerParameters(Direction.OUTBOUND, stream -> {
          opened.add(stream);
          stream.pipeline().addLast(streams);
        }));
    this.channel = channel;
    channel.pipeline().addLast(session.handler());
  }

  /** Counts the frames the session writes: mplex writes each header, and each body, on its own. */
  private static ChannelOutboundHandlerAdapter counting(int[] writes) {
    return new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        writes[0]++;
        ctx.write(msg, promise);
      }
    };
  }

  private void feed(String hex) {
    EmbeddedChannels.feedHex(channel, hex);
  }

  private String written() {
    return EmbeddedChannels.writtenHex(channel);
  }

  @Test
  void openWriteCloseAsTheInitiator() throws Exception {
    start(MplexStreamMuxer.create());
    Stream stream = session.openStream(streams).get();
    channel.runPendingTasks();
    assertEquals("000130", written(), "NewStream id 0, named \"0\"");
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) 0xab, (byte) 0xcd}));
    channel.runPendingTasks();
    assertEquals("0202abcd", written(), "MessageInitiator (flag 2), 2 bytes");
    stream.closeWrite();
    channel.runPendingTasks();
    assertEquals("0400", written(), "CloseInitiator (flag 4)");
    Stream second = session.openStream(streams).get();
    channel.runPendingTasks();
    assertEquals("080131", written(), "NewStream id 1: header 0x08");
    second.reset();
    channel.runPendingTasks();
    assertEquals("0e00", written(), "ResetInitiator (flag 6) on id 1");
  }

  @Test
  void answersAsTheReceiver() {
    start(MplexStreamMuxer.create());
    feed("2800"); // NewStream id 5, no name
    assertEquals(1, opened.size());
    feed("2a03010203"); // MessageInitiator on id 5
    assertEquals(List.of("010203"), streams.hex());
    opened.get(0).writeAndFlush(Unpooled.wrappedBuffer(new byte[] {7}));
    channel.runPendingTasks();
    assertEquals("290107", written(), "MessageReceiver (flag 1) on id 5");
    opened.get(0).close();
    channel.runPendingTasks();
    assertEquals("2b00", written(), "CloseReceiver (flag 3)");
  }

  @Test
  void sameNumberForStreamsOfEachSideAreDistinct() throws Exception {
    start(MplexStreamMuxer.create());
    Stream ours = session.openStream(streams).get(); // our id 0
    channel.runPendingTasks();
    written();
    feed("0000"); // their NewStream id 0
    feed("0201aa"); // MessageInitiator id 0: their stream
    feed("0101bb"); // MessageReceiver id 0: our stream
    assertEquals(List.of("aa", "bb"), streams.hex());
    assertTrue(ours.isOpen());
  }

  @Test
  void dataForUnknownStreamsIsDropped() {
    start(MplexStreamMuxer.create());
    feed("7a03010203"); // MessageInitiator on id 15, never opened
    feed("7c00"); // CloseInitiator on id 15
    assertEquals(List.of(), streams.hex());
    assertTrue(channel.isOpen());
  }

  @Test
  void duplicateNewStreamEndsTheConnection() {
    start(MplexStreamMuxer.create());
    feed("1000");
    feed("1000");
    assertFalse(channel.isOpen());
    assertInstanceOf(StreamResetException.class, streams.errors.get(0));
  }

  @Test
  void oversizedFrameEndsTheConnection() {
    start(MplexStreamMuxer.create());
    feed("0a" + "818040"); // MessageInitiator id 1, length 1 MiB + 1
    assertFalse(channel.isOpen());
  }

  @Test
  void malformedHeaderEndsTheConnection() {
    start(MplexStreamMuxer.create());
    feed("8000"); // a header varint with a trailing zero byte: not minimally encoded
    assertFalse(channel.isOpen());
  }

  @Test
  void framesAfterAFatalOneInTheSameReadAreNotHandled() {
    start(MplexStreamMuxer.create());
    feed("1000" + "1000" + "0800"); // NewStream 2 twice, then NewStream 1
    assertFalse(channel.isOpen());
    assertEquals(1, opened.size(), "stream 1 came after the connection ended");
  }

  @Test
  void undefinedFlagIsSkipped() {
    start(MplexStreamMuxer.create());
    feed("0000");
    feed("0702aabb" + "0201cc"); // flag 7 on id 0, then MessageInitiator on id 0
    assertEquals(List.of("cc"), streams.hex());
    assertTrue(channel.isOpen());
    assertTrue(opened.get(0).isOpen());
  }

  @Test
  void framesSplitAcrossReadsAreReassembled() {
    start(MplexStreamMuxer.create());
    feed("18");
    feed("00");
    feed("1a04");
    feed("0102");
    feed("0304");
    assertEquals(List.of("01020304"), streams.hex());
  }

  @Test
  void excessInboundStreamsAreReset() {
    start(MplexStreamMuxer.builder().maxStreams(2).build());
    feed("0000" + "0800" + "1000");
    assertEquals(2, opened.size());
    assertEquals("1500", written(), "ResetReceiver (flag 5) on id 2");
  }

  @Test
  void unreadDataPastTheBoundResetsTheStream() {
    start(MplexStreamMuxer.builder().maxUnreadPerStream(4).maxUnreadPerConnection(4).build());
    feed("0000");
    opened.get(0).config().setAutoRead(false);
    feed("0203010203");
    assertTrue(opened.get(0).isOpen(), "3 bytes are within the bound");
    feed("02020405");
    assertFalse(opened.get(0).isOpen());
    assertEquals("0500", written(), "ResetReceiver on id 0");
    StreamResetException e = assertInstanceOf(StreamResetException.class, streams.errors.get(0));
    assertTrue(e.getMessage().contains("not read"), e.getMessage());
  }

  @Test
  void aPeerThatOpensNothingButRefusedStreamsIsCutOff() {
    PeerNotReadingChannel connection = new PeerNotReadingChannel();
    int[] resets = {0};
    connection.pipeline().addLast(counting(resets));
    start(MplexStreamMuxer.builder().maxStreams(1).build(), connection);
    List<Object> events = EmbeddedChannels.userEventsAtTheEnd(channel);
    feed("0000" + "0800".repeat(25_000)); // stream 0, then stream 1 proposed again and again
    assertFalse(channel.isOpen());
    // The session tells a host's last handler of the limit, as an event, before it closes.
    assertTrue(events.stream().anyMatch(e -> e instanceof LimitExceededException l && l.getMessage().contains("refused in a row")),
        events.toString());
    // 1,000 refusals in a row are answered (MplexSession.MAX_REFUSED_OPENS_IN_A_ROW); the next ends it.
    assertEquals(1_000, resets[0]);
  }

  @Test
  void resetsForLimitsStopWhenThePeerDoesNotRead() {
    PeerNotReadingChannel connection = new PeerNotReadingChannel();
    int[] resets = {0};
    connection.pipeline().addLast(counting(resets));
    session =
        MplexStreamMuxer.builder().maxUnreadPerStream(1).maxUnreadPerConnection(1).build()
            .newSession(new MuxerParameters(Direction.OUTBOUND, stream -> stream.config().setAutoRead(false)));
    channel = connection;
    channel.pipeline().addLast(session.handler());
    // 2 MiB already wait, just within the bound: a few hundred resets more pass it.
    channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[2 << 20]));
    resets[0] = 0;
    // Stream 0 opened and sent 2 bytes, one past its unread bound, over and over: each is reset.
    List<Object> events = EmbeddedChannels.userEventsAtTheEnd(channel);
    feed(("0000" + "0202aabb").repeat(2_000));
    assertFalse(channel.isOpen());
    assertTrue(events.stream().anyMatch(e -> e instanceof LimitExceededException l && l.getMessage().contains("does not read its answers")),
        events.toString());
    // 64 KiB of room left, and each reset takes 2 bytes plus Netty's 96: some 670.
    assertTrue(resets[0] > 600 && resets[0] < 700, resets[0] + " resets queued");
  }

  @Test
  void refusedStreamsAreResetWhileDataFillsTheConnection() {
    PeerNotReadingChannel connection = new PeerNotReadingChannel();
    start(MplexStreamMuxer.builder().maxStreams(1).build(), connection);
    feed("0000");
    opened.get(0).writeAndFlush(Unpooled.wrappedBuffer(new byte[1 << 20]));
    channel.runPendingTasks();
    assertFalse(channel.isWritable(), "a 1 MiB frame fills the connection");
    long pending = connection.pendingBytes();
    feed("0800".repeat(1_000));
    assertTrue(channel.isOpen(), "one data frame and a thousand resets are within the bound");
    assertTrue(connection.pendingBytes() >= pending + 1_000 * 2, "every refused stream reset");
  }

  @Test
  void remoteResetReachesThePipeline() {
    start(MplexStreamMuxer.create());
    feed("1800");
    feed("1e00"); // ResetInitiator on id 3
    assertFalse(opened.get(0).isOpen());
    assertInstanceOf(StreamResetException.class, streams.errors.get(0));
  }

  @Test
  void localResetForgetsTheStream() throws Exception {
    start(MplexStreamMuxer.create());
    Stream ours = session.openStream(streams).get();
    feed("0800"); // the remote opens id 1
    assertEquals(2, session.openStreams());
    ours.reset();
    opened.get(0).reset();
    channel.runPendingTasks();
    assertEquals(0, session.openStreams(), "a reset ends both directions: nothing more will come");
  }

  @Test
  void dataAfterTheRemotesCloseIsNotCountedAsUnread() {
    start(MplexStreamMuxer.builder().maxUnreadPerStream(4).maxUnreadPerConnection(4).build());
    feed("0000" + "0400"); // stream 0 opened and closed by the remote
    feed("020a" + "00".repeat(10)); // 10 more bytes on it: a protocol violation, dropped
    feed("0800"); // stream 1
    opened.get(1).config().setAutoRead(false);
    feed("0a03010203");
    assertTrue(opened.get(1).isOpen(), "3 unread bytes are within the connection's bound of 4");
  }

  @Test
  void nothingMayFollowCloseWrite() throws Exception {
    start(MplexStreamMuxer.create());
    Stream stream = session.openStream(streams).get();
    channel.runPendingTasks();
    written();
    stream.closeWrite();
    io.netty.channel.ChannelFuture late = stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    io.netty.channel.ChannelFuture again = stream.closeWrite();
    channel.runPendingTasks();
    assertInstanceOf(IllegalStateException.class, late.cause());
    assertInstanceOf(IllegalStateException.class, again.cause());
    assertEquals("0400", written(), "one CloseInitiator, no data after it");
  }

  @Test
  void autoReadOffHoldsDataUntilRead() {
    start(MplexStreamMuxer.create());
    feed("0000");
    Stream stream = opened.get(0);
    stream.config().setAutoRead(false);
    feed("0201aa");
    channel.runPendingTasks();
    assertEquals(List.of(), streams.hex());
    stream.read();
    channel.runPendingTasks();
    assertEquals(List.of("aa"), streams.hex());
  }
}
