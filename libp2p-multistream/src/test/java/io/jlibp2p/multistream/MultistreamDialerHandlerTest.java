package io.jlibp2p.multistream;

import static io.jlibp2p.multistream.Wire.NA;
import static io.jlibp2p.multistream.Wire.concat;
import static io.jlibp2p.multistream.Wire.drainOutbound;
import static io.jlibp2p.multistream.Wire.feed;
import static io.jlibp2p.multistream.Wire.hex;
import static io.jlibp2p.multistream.Wire.messages;
import static io.jlibp2p.multistream.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MultistreamDialerHandlerTest extends AbstractNegotiationHandlerTest {

  /** The spec digest's bytes: the header, then {@code /noise}, pipelined in one packet. */
  private static final byte[] HEADER_AND_NOISE =
      hex("13 2f6d756c746973747265616d2f312e302e30 0a 07 2f6e6f697365 0a");

  @Test
  void sendsHeaderAndFirstProposalInOnePacket() {
    MultistreamDialerHandler dialer = MultistreamDialerHandler.builder("/noise", "/tls/1.0.0").build();
    channel = new EmbeddedChannel(dialer);
    assertFalse(dialer.isLazy());
    ByteBuf first = channel.readOutbound();
    try {
      assertArrayEquals(HEADER_AND_NOISE, ByteBufUtil.getBytes(first));
    } finally {
      first.release();
    }
    assertNull(channel.readOutbound(), "the proposal waits for the answer before the next one");
  }

  @Test
  void selectsTheEchoedProtocolAndLeavesThePipeline() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/noise", "/tls/1.0.0").build());
    feed(channel, HEADER_AND_NOISE);
    assertEquals("/noise", dialer.selectedProtocol().join());
    assertNull(channel.pipeline().get(MultistreamDialerHandler.class));
    assertTrue(channel.isActive());
  }

  @Test
  void fallsBackToTheSecondProtocolAfterNa() {
    MultistreamDialerHandler dialer =
        started(MultistreamDialerHandler.builder("/yamux/1.0.0", "/mplex/6.7.0").build());
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), NA));
    assertArrayEquals(messages("/mplex/6.7.0"), drainOutbound(channel));
    assertFalse(dialer.selectedProtocol().isDone());
    feed(channel, messages("/mplex/6.7.0"));
    assertEquals("/mplex/6.7.0", dialer.selectedProtocol().join());
  }

  @Test
  void noCommonProtocolFailsListingWhatWasTried() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a/1", "/b/1").build());
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), NA));
    drainOutbound(channel);
    feed(channel, NA);
    NegotiationException e = failure(dialer);
    assertEquals(List.of("/a/1", "/b/1"), e.triedProtocols());
    assertTrue(e.getMessage().contains("[/a/1, /b/1]"), e.getMessage());
    assertFalse(channel.isOpen());
  }

  @Test
  void dialerProposingMoreProtocolsThanTheMessageBoundTriesThemAll() {
    List<String> protocols = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      protocols.add("/p/" + i);
    }
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder(protocols).build());
    feed(channel, messages(Multistream.PROTOCOL_ID));
    for (int i = 1; i < 40; i++) {
      feed(channel, NA);
      assertArrayEquals(messages("/p/" + i), drainOutbound(channel));
    }
    feed(channel, messages("/p/39"));
    assertEquals("/p/39", dialer.selectedProtocol().join(), "41 messages from the listener");
  }

  @Test
  void bytesInTheSameReadAsTheEchoReachTheNextHandler() {
    List<byte[]> received = new ArrayList<>();
    MultistreamDialerHandler dialer =
        started(MultistreamDialerHandler.builder("/echo/1.0.0", "/other")
            .onSelected((ctx, protocol) -> ctx.pipeline().addAfter(ctx.name(), "app", collector(received)))
            .build());
    feed(channel, concat(messages(Multistream.PROTOCOL_ID, "/echo/1.0.0"), utf8("hello, world")));
    assertEquals("/echo/1.0.0", dialer.selectedProtocol().join());
    assertArrayEquals(utf8("hello, world"), concat(received.toArray(new byte[0][])));
  }

  @Test
  void lazyModeSendsHeaderProposalAndFirstDataInOneFlush() {
    FlushRecorder recorder = new FlushRecorder();
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/chat/1.0.0")
            .onSelected(
                (ctx, protocol) ->
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(utf8("hi there"))))
            .build();
    channel = new EmbeddedChannel(recorder, dialer);
    assertTrue(dialer.isLazy());
    assertEquals("/chat/1.0.0", dialer.selectedProtocol().getNow(null), "selected without waiting");
    channel.runPendingTasks();
    assertEquals(1, recorder.flushes.size(), "one flush");
    assertArrayEquals(
        concat(messages(Multistream.PROTOCOL_ID, "/chat/1.0.0"), utf8("hi there")),
        recorder.flushes.get(0));
    drainOutbound(channel);
  }

  @Test
  void lazyModeFlushesTheProposalEvenWithoutApplicationData() {
    MultistreamDialerHandler dialer = MultistreamDialerHandler.builder("/noise").build();
    channel = new EmbeddedChannel(dialer);
    channel.runPendingTasks();
    assertArrayEquals(HEADER_AND_NOISE, drainOutbound(channel));
  }

  @Test
  void lazyModeConsumesTheLateEchoAndPassesDataOn() {
    List<byte[]> received = new ArrayList<>();
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/noise")
            .onSelected((ctx, protocol) -> ctx.pipeline().addAfter(ctx.name(), "app", collector(received)))
            .build();
    channel = new EmbeddedChannel(dialer);
    channel.runPendingTasks();
    drainOutbound(channel);
    assertTrue(channel.pipeline().get(MultistreamDialerHandler.class) != null, "waits for the echo");
    assertFalse(dialer.confirmedProtocol().isDone());
    feed(channel, concat(HEADER_AND_NOISE, utf8("handshake bytes")));
    assertEquals("/noise", dialer.confirmedProtocol().getNow(null));
    assertNull(channel.pipeline().get(MultistreamDialerHandler.class));
    assertArrayEquals(utf8("handshake bytes"), concat(received.toArray(new byte[0][])));
  }

  /** Stands for a stream's half-close: an outbound message that is not bytes. */
  private static final Object END_OF_WRITES = new Object();

  @Test
  void lazyModeHoldsAHalfCloseAndWhatFollowsItUntilTheEcho() {
    MultistreamDialerHandler dialer = MultistreamDialerHandler.builder("/perf/1.0.0").build();
    channel = new EmbeddedChannel(dialer);
    channel.writeAndFlush(Unpooled.wrappedBuffer(utf8("request")));
    ChannelFuture ended = channel.writeAndFlush(END_OF_WRITES);
    channel.writeAndFlush(Unpooled.wrappedBuffer(utf8("late")));
    channel.runPendingTasks();
    assertArrayEquals(
        concat(messages(Multistream.PROTOCOL_ID, "/perf/1.0.0"), utf8("request")),
        drainOutbound(channel),
        "the request leaves at once, its end does not");
    assertFalse(ended.isDone());

    feed(channel, messages(Multistream.PROTOCOL_ID, "/perf/1.0.0"));
    assertSame(END_OF_WRITES, channel.readOutbound(), "the end follows the echo, in order");
    ByteBuf late = channel.readOutbound();
    try {
      assertArrayEquals(utf8("late"), ByteBufUtil.getBytes(late));
    } finally {
      late.release();
    }
    assertTrue(ended.isSuccess());
  }

  @Test
  void lazyModeWithoutTheHoldSendsTheEndWithTheRequest() {
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/perf/1.0.0").holdEndUntilConfirmed(false).build();
    channel = new EmbeddedChannel(dialer);
    assertFalse(dialer.holdsEndUntilConfirmed());
    channel.writeAndFlush(Unpooled.wrappedBuffer(utf8("request")));
    ChannelFuture ended = channel.writeAndFlush(END_OF_WRITES);
    channel.writeAndFlush(Unpooled.wrappedBuffer(utf8("late")));
    channel.runPendingTasks();
    ByteArrayOutputStream beforeTheEnd = new ByteArrayOutputStream();
    for (Object message = channel.readOutbound(); message != END_OF_WRITES; message = channel.readOutbound()) {
      assertInstanceOf(ByteBuf.class, message, "the end leaves before any echo");
      beforeTheEnd.writeBytes(ByteBufUtil.getBytes((ByteBuf) message));
      ((ByteBuf) message).release();
    }
    assertArrayEquals(
        concat(messages(Multistream.PROTOCOL_ID, "/perf/1.0.0"), utf8("request")), beforeTheEnd.toByteArray());
    assertTrue(ended.isSuccess());
    assertArrayEquals(utf8("late"), drainOutbound(channel));

    feed(channel, messages(Multistream.PROTOCOL_ID, "/perf/1.0.0"));
    assertTrue(dialer.confirmedProtocol().isDone());
  }

  @Test
  void theHoldIsOnByDefaultAndOnlyForLazyDialers() {
    assertTrue(MultistreamDialerHandler.builder("/perf/1.0.0").build().holdsEndUntilConfirmed());
    assertFalse(MultistreamDialerHandler.builder("/perf/1.0.0").lazy(false).build().holdsEndUntilConfirmed());
    assertFalse(MultistreamDialerHandler.builder("/a", "/b").build().holdsEndUntilConfirmed());
  }

  @Test
  void lazyModeFailsAHeldHalfCloseWhenTheChannelClosesFirst() {
    MultistreamDialerHandler dialer = MultistreamDialerHandler.builder("/perf/1.0.0").build();
    channel = new EmbeddedChannel(dialer);
    ChannelFuture held = channel.write(Unpooled.wrappedBuffer(utf8("request")));
    ChannelFuture ended = channel.write(END_OF_WRITES);
    ChannelFuture late = channel.writeAndFlush(Unpooled.wrappedBuffer(utf8("late")));
    channel.close();
    assertTrue(held.isSuccess());
    assertInstanceOf(ClosedChannelException.class, ended.cause());
    assertInstanceOf(ClosedChannelException.class, late.cause(), "held bytes are released, not leaked");
  }

  @Test
  void lazyModeLateNaFailsTheChannelWithAClearException() {
    List<Throwable> errors = new ArrayList<>();
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/chat/1.0.0")
            .onSelected(
                (ctx, protocol) ->
                    ctx.pipeline().addAfter(ctx.name(), "app", new ChannelInboundHandlerAdapter() {
                      @Override
                      public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                        errors.add(cause);
                      }
                    }))
            .build();
    channel = new EmbeddedChannel(dialer);
    channel.runPendingTasks();
    channel.writeAndFlush(Unpooled.wrappedBuffer(utf8("data sent optimistically")));
    drainOutbound(channel);
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), NA, utf8("trailing junk")));
    assertEquals(1, errors.size());
    NegotiationException e = assertInstanceOf(NegotiationException.class, errors.get(0));
    assertTrue(e.getMessage().contains("rejected /chat/1.0.0"), e.getMessage());
    assertEquals("/chat/1.0.0", dialer.selectedProtocol().getNow(null), "the optimistic selection stands");
    CompletionException refused = assertThrows(CompletionException.class, () -> dialer.confirmedProtocol().join());
    assertSame(e, refused.getCause(), "the refusal shows on confirmedProtocol()");
    assertFalse(channel.isOpen());
  }

  @Test
  void oversizedMessageFails() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    // Length 1025 = 0x81 0x08: one byte over go's limit.
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), hex("8108"), new byte[1025]));
    MalformedMessageException e = assertInstanceOf(MalformedMessageException.class, failure(dialer));
    assertTrue(e.getMessage().contains("1024"), e.getMessage());
    assertFalse(channel.isOpen());
  }

  @Test
  void threeByteLengthPrefixFailsBeforeTheBodyArrives() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    feed(channel, hex("ffff7f"));
    assertInstanceOf(MalformedMessageException.class, failure(dialer));
  }

  @Test
  void nonMinimalLengthPrefixFails() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    feed(channel, concat(hex("9300"), utf8("/multistream/1.0.0\n")));
    MalformedMessageException e = assertInstanceOf(MalformedMessageException.class, failure(dialer));
    assertTrue(e.getMessage().contains("minimal"), e.getMessage());
  }

  @Test
  void truncatedLengthPrefixThenCloseFailsCleanly() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    feed(channel, hex("80"));
    assertFalse(dialer.selectedProtocol().isDone(), "waits for the rest of the varint");
    channel.close();
    NegotiationException e = failure(dialer);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void messageWithoutNewlineFails() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    feed(channel, concat(hex("13"), utf8("/multistream/1.0.0X")));
    MalformedMessageException e = assertInstanceOf(MalformedMessageException.class, failure(dialer));
    assertTrue(e.getMessage().contains("newline"), e.getMessage());
  }

  @Test
  void garbageInsteadOfTheHeaderFails() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    feed(channel, utf8("\u0010GET / HTTP/1.1\r\n\n"));
    MalformedMessageException e = assertInstanceOf(MalformedMessageException.class, failure(dialer));
    assertTrue(e.getMessage().contains("header"), e.getMessage());
    assertFalse(channel.isOpen());
  }

  @Test
  void unexpectedAnswerFails() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    feed(channel, messages(Multistream.PROTOCOL_ID, "/c"));
    MalformedMessageException e = assertInstanceOf(MalformedMessageException.class, failure(dialer));
    assertTrue(e.getMessage().contains("\"/c\""), e.getMessage());
  }

  @Test
  void timeoutFailsAndCloses() {
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/a", "/b").timeout(Duration.ofMillis(500)).build();
    channel = frozenChannel(dialer);
    drainOutbound(channel);
    channel.advanceTimeBy(499, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertFalse(dialer.selectedProtocol().isDone());
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    NegotiationTimeoutException e = assertInstanceOf(NegotiationTimeoutException.class, failure(dialer));
    assertTrue(e.getMessage().contains("500 ms"), e.getMessage());
    assertEquals(List.of("/a"), e.triedProtocols());
    assertFalse(channel.isOpen());
  }

  @Test
  void lazyDialerStopsTimingOutOnceItSelects() {
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/a").timeout(Duration.ofMillis(500)).build();
    channel = frozenChannel(dialer);
    channel.advanceTimeBy(5, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertEquals("/a", dialer.selectedProtocol().join());
    assertTrue(channel.isOpen(), "the protocol owns the stream's deadlines now");
    drainOutbound(channel);
  }

  @Test
  void remoteEndingItsSideFailsTheNegotiationAtOnce() {
    MultistreamDialerHandler dialer = started(MultistreamDialerHandler.builder("/a", "/b").build());
    channel.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
    NegotiationException e = failure(dialer);
    assertTrue(e.getMessage().contains("ended its side"), e.getMessage());
    assertFalse(channel.isOpen());
  }

  @Test
  void successCancelsTheTimeout() {
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder("/a", "/b").timeout(Duration.ofMillis(500)).build();
    channel = frozenChannel(dialer);
    drainOutbound(channel);
    feed(channel, messages(Multistream.PROTOCOL_ID, "/a"));
    channel.advanceTimeBy(1, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertEquals("/a", dialer.selectedProtocol().join());
    assertTrue(channel.isOpen());
  }

  @Test
  void rejectsUnusableProtocolIds() {
    assertThrows(IllegalArgumentException.class, () -> MultistreamDialerHandler.builder());
    assertThrows(IllegalArgumentException.class, () -> MultistreamDialerHandler.builder("/a\n"));
    assertThrows(IllegalArgumentException.class, () -> MultistreamDialerHandler.builder("na"));
    assertThrows(IllegalArgumentException.class, () -> MultistreamDialerHandler.builder("/" + "x".repeat(1023)));
    assertThrows(
        IllegalArgumentException.class,
        () -> MultistreamDialerHandler.builder("/a", "/b").lazy(true).build());
  }

  private static NegotiationException failure(MultistreamDialerHandler dialer) {
    return failure(dialer.selectedProtocol());
  }

  /** Records the bytes written before each flush, passing everything on. */
  static final class FlushRecorder extends ChannelDuplexHandler {
    final List<byte[]> flushes = new ArrayList<>();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      pending.writeBytes(ByteBufUtil.getBytes((ByteBuf) msg));
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (pending.size() > 0) {
        flushes.add(pending.toByteArray());
        pending.reset();
      }
      ctx.flush();
    }
  }
}
