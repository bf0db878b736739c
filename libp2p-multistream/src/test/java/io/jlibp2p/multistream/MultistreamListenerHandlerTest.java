package io.jlibp2p.multistream;

import static io.jlibp2p.multistream.Wire.HEADER;
import static io.jlibp2p.multistream.Wire.NA;
import static io.jlibp2p.multistream.Wire.concat;
import static io.jlibp2p.multistream.Wire.drainInbound;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MultistreamListenerHandlerTest extends AbstractNegotiationHandlerTest {

  @Test
  void sendsItsHeaderAtOnce() {
    channel = new EmbeddedChannel(listener(ProtocolRegistry.of("/noise")));
    assertArrayEquals(HEADER, drainOutbound(channel));
  }

  @Test
  void answersNaToUnknownProtocolsAndKeepsListening() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/mplex/6.7.0")));
    feed(channel, messages(Multistream.PROTOCOL_ID, "/yamux/1.0.0"));
    assertArrayEquals(NA, drainOutbound(channel));
    assertFalse(listener.selectedProtocol().isDone());
    feed(channel, messages("/mplex/6.7.0"));
    assertArrayEquals(messages("/mplex/6.7.0"), drainOutbound(channel));
    assertEquals("/mplex/6.7.0", listener.selectedProtocol().join());
    assertNull(channel.pipeline().get(MultistreamListenerHandler.class));
  }

  @Test
  void matchesVersionedFamiliesByPredicate() {
    ProtocolRegistry registry =
        ProtocolRegistry.builder()
            .add("/ipfs/ping/1.0.0")
            .addMatching("/chat/1.x", id -> id.startsWith("/chat/1."))
            .build();
    MultistreamListenerHandler listener = started(listener(registry));
    feed(channel, messages(Multistream.PROTOCOL_ID, "/chat/2.0.0", "/chat/1.4.2"));
    assertArrayEquals(concat(NA, messages("/chat/1.4.2")), drainOutbound(channel));
    assertEquals("/chat/1.4.2", listener.selectedProtocol().join());
  }

  @Test
  void answersLsWithTheExactProtocols() {
    ProtocolRegistry registry =
        ProtocolRegistry.builder().add("/a").add("/bb").addMatching("/c*", id -> id.startsWith("/c")).build();
    MultistreamListenerHandler listener = started(listener(registry));
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), hex("03 6c73 0a")));
    // One message whose body is "/a" and "/bb" as messages, then a newline: 10 bytes.
    assertArrayEquals(hex("0a 03 2f61 0a 04 2f6262 0a 0a"), drainOutbound(channel));
    assertFalse(listener.selectedProtocol().isDone(), "ls does not end the negotiation");
  }

  @Test
  void optimisticDialerDataReachesTheSelectedProtocol() {
    List<byte[]> received = new ArrayList<>();
    MultistreamListenerHandler listener =
        started(MultistreamListenerHandler.builder(ProtocolRegistry.of("/chat/1.0.0"))
            .onSelected((ctx, protocol) -> ctx.pipeline().addAfter(ctx.name(), "app", collector(received)))
            .build());
    // Header, proposal and first application bytes in one read, as go and rust send them.
    feed(channel, concat(messages(Multistream.PROTOCOL_ID, "/chat/1.0.0"), utf8("hello!")));
    assertEquals("/chat/1.0.0", listener.selectedProtocol().join());
    assertArrayEquals(messages("/chat/1.0.0"), drainOutbound(channel));
    assertArrayEquals(utf8("hello!"), concat(received.toArray(new byte[0][])));
  }

  @Test
  void leftoverBytesReachALaterHandlerWithoutACallback() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    feed(channel, concat(messages(Multistream.PROTOCOL_ID, "/x"), utf8("payload")));
    assertArrayEquals(utf8("payload"), drainInbound(channel));
  }

  @Test
  void wrongHeaderFails() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    feed(channel, messages("/multistream/2.0.0"));
    assertInstanceOf(MalformedMessageException.class, failure(listener));
    assertFalse(channel.isOpen());
  }

  @Test
  void proposalBeforeHeaderFails() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    feed(channel, messages("/x"));
    MalformedMessageException e = assertInstanceOf(MalformedMessageException.class, failure(listener));
    assertTrue(e.getMessage().contains("\"/x\""), e.getMessage());
  }

  @Test
  void oversizedProposalFails() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), hex("ff0f")));
    assertInstanceOf(MalformedMessageException.class, failure(listener));
    assertFalse(channel.isOpen());
  }

  @Test
  void messageOfExactlyTheLimitIsAccepted() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    byte[] body = new byte[1024];
    body[0] = '/';
    java.util.Arrays.fill(body, 1, 1023, (byte) 'a');
    body[1023] = '\n';
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), hex("8008"), body));
    assertArrayEquals(NA, drainOutbound(channel));
    assertTrue(channel.isOpen());
  }

  @Test
  void timeoutFailsAndCloses() {
    MultistreamListenerHandler listener =
        MultistreamListenerHandler.builder(ProtocolRegistry.of("/x")).timeout(Duration.ofSeconds(2)).build();
    channel = frozenChannel(listener);
    drainOutbound(channel);
    feed(channel, messages(Multistream.PROTOCOL_ID, "/y"));
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    NegotiationTimeoutException e = assertInstanceOf(NegotiationTimeoutException.class, failure(listener));
    assertEquals(List.of("/y"), e.triedProtocols());
    assertFalse(channel.isOpen());
  }

  @Test
  void callbackFailureFailsTheNegotiation() {
    MultistreamListenerHandler listener =
        MultistreamListenerHandler.builder(ProtocolRegistry.of("/x"))
            .onSelected((ctx, protocol) -> {
              throw new IllegalStateException("no handler for " + protocol);
            })
            .build();
    channel = new EmbeddedChannel(listener);
    drainOutbound(channel);
    feed(channel, concat(messages(Multistream.PROTOCOL_ID, "/x"), utf8("data")));
    NegotiationException e = failure(listener);
    assertInstanceOf(IllegalStateException.class, rootCause(e));
    assertFalse(channel.isOpen());
  }

  @Test
  void floodOfUnknownProposalsFailsAtTheMessageBound() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), messages(unknownProtocols(10_000))));
    TooManyMessagesException e = assertInstanceOf(TooManyMessagesException.class, failure(listener));
    assertEquals(Multistream.DEFAULT_MAX_MESSAGES, e.maxMessages());
    assertTrue(e.getMessage().contains("more than 32 multistream-select messages"), e.getMessage());
    assertEquals(31, e.triedProtocols().size());
    assertFalse(channel.isOpen());
    assertArrayEquals(repeat(NA, 31), drainOutbound(channel), "the header and 31 proposals, nothing more");
  }

  @Test
  void floodOfLsFailsAtTheMessageBound() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    String[] ls = new String[1_000];
    java.util.Arrays.fill(ls, Multistream.LS);
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), messages(ls)));
    assertInstanceOf(TooManyMessagesException.class, failure(listener));
    assertFalse(channel.isOpen());
    byte[] list = hex("05 03 2f78 0a 0a"); // one message: "/x" as a message, then a newline
    assertArrayEquals(repeat(list, 31), drainOutbound(channel));
  }

  @Test
  void honestDialerWithTwentyRejectedProposalsIsServed() {
    MultistreamListenerHandler listener = started(listener(ProtocolRegistry.of("/x")));
    feed(channel, concat(messages(Multistream.PROTOCOL_ID), messages(unknownProtocols(20)), messages("/x")));
    assertEquals("/x", listener.selectedProtocol().join());
    assertArrayEquals(concat(repeat(NA, 20), messages("/x")), drainOutbound(channel));
    assertTrue(channel.isOpen());
  }

  @Test
  void messageBoundCountsTheHeaderAndEveryProposal() {
    MultistreamListenerHandler listener =
        started(MultistreamListenerHandler.builder(ProtocolRegistry.of("/x")).maxMessages(3).build());
    feed(channel, messages(Multistream.PROTOCOL_ID, "/a", "/b"));
    assertArrayEquals(concat(NA, NA), drainOutbound(channel));
    assertTrue(channel.isOpen(), "three messages are allowed");
    feed(channel, messages("/x"));
    assertInstanceOf(TooManyMessagesException.class, failure(listener), "a fourth is not, even a supported one");
    assertArrayEquals(new byte[0], drainOutbound(channel));
    assertFalse(channel.isOpen());
  }

  @Test
  void maxMessagesMustAllowAProposal() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MultistreamListenerHandler.builder(ProtocolRegistry.of("/x")).maxMessages(1));
  }

  @Test
  void stopsAnsweringAPeerThatDoesNotRead() {
    channel = peerNotReading(1024);
    AtomicInteger answers = new AtomicInteger();
    channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        answers.incrementAndGet();
        ctx.write(msg, promise);
      }
    });
    // The message bound out of the way: only the unread answers may stop the listener.
    MultistreamListenerHandler listener =
        MultistreamListenerHandler.builder(ProtocolRegistry.of("/x")).maxMessages(100_000).build();
    channel.pipeline().addLast(listener);

    feed(channel, concat(messages(Multistream.PROTOCOL_ID), messages(unknownProtocols(20))));
    assertFalse(channel.isWritable(), "21 unread answers of about 100 bytes each pass the 1 KiB mark");
    assertTrue(channel.isOpen(), "unwritable alone is no failure");
    assertEquals(21, answers.get());

    feed(channel, messages(unknownProtocols(10_000)));
    PeerNotReadingException e = assertInstanceOf(PeerNotReadingException.class, failure(listener));
    assertTrue(e.getMessage().contains("beyond the channel's high water mark of 1024 bytes"), e.getMessage());
    assertFalse(channel.isOpen());
    // Each na is 4 bytes plus Netty's 96 bytes of bookkeeping: 64 KiB beyond 1 KiB is some 670.
    assertTrue(answers.get() > 600 && answers.get() < 700, answers.get() + " answers queued");
  }

  private static String[] unknownProtocols(int count) {
    return IntStream.range(0, count).mapToObj(i -> "/unknown/" + i).toArray(String[]::new);
  }

  private static byte[] repeat(byte[] bytes, int times) {
    byte[][] copies = new byte[times][];
    java.util.Arrays.fill(copies, bytes);
    return concat(copies);
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static MultistreamListenerHandler listener(ProtocolRegistry registry) {
    return MultistreamListenerHandler.builder(registry).build();
  }

  private static NegotiationException failure(MultistreamListenerHandler listener) {
    return failure(listener.selectedProtocol());
  }
}
