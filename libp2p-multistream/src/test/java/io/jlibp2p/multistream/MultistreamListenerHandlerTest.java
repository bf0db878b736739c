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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
