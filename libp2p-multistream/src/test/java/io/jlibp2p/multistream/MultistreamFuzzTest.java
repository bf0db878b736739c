package io.jlibp2p.multistream;

import static io.jlibp2p.testing.DecodingAssertions.decodesOrRejectsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.multistream.internal.MessageCodec;
import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Jazzer fuzz targets for multistream-select: the message codec, and the listener and the dialer
 * on an {@link EmbeddedChannel} fed the peer's bytes in chunks of fuzzer-chosen sizes. Each checks
 * the verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>{@link #messages}: each message is accepted, rejected with a {@link
 *       MalformedMessageException} that has a message (the type the handlers turn the codec's
 *       rejection into), or awaited only while more bytes can still complete a valid message; a
 *       rejection leaves the reader index alone; an accepted message re-encodes to its own bytes;
 *       and the accepted protocol IDs, encoded as the answer to {@code ls}, read back as the same
 *       list;
 *   <li>{@link #listener} and {@link #dialer}: the handler does what a model of the
 *       multistream-select rules predicts for the same bytes read in one piece: the same answers
 *       written, the same protocol selected (at most once, and only one that is served or was
 *       proposed) or the same member of the {@link NegotiationException} family, with a message;
 *       the channel closed after a failure; the bytes after the negotiation passed on unchanged;
 *       nothing reaching the pipeline's tail; no buffer leaked (the leak detector reports it, at
 *       paranoid level when the inputs are replayed).
 * </ul>
 *
 * <p>Time never moves: the channels' clocks are frozen, so the negotiation timeout never fires.
 * This class is in {@code io.jlibp2p.multistream}, not a {@code fuzz} subpackage, because the
 * listener target reads the package-private bound on unread answers ({@link
 * AbstractNegotiationHandler#MAX_UNREAD_BEYOND_HIGH_WATER_MARK}) and uses this package's test
 * helpers.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/multistream/MultistreamFuzzTestInputs/<method>/}. The pipeline
 * targets read their input with a {@link FuzzedDataProvider}: the peer's bytes from the front, and
 * from the back, one byte each, the options and then the size of each chunk (see the target's
 * first lines). To fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-multistream -Ddocs.phase=none \
 *     -Dtest='MultistreamFuzzTest#listener'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class MultistreamFuzzTest {

  private static final String PING = "/ipfs/ping/1.0.0";
  private static final String ECHO = "/echo/1.0.0";
  /** Makes each answer to {@code ls} about 1 KB, so that a few dozen unread ones pass the bound. */
  private static final String LONG = "/long/" + "x".repeat(900);

  private static final List<String> LISTED = List.of(PING, ECHO, LONG);
  private static final String CHAT_FAMILY = "/chat/1.";
  private static final ProtocolRegistry REGISTRY =
      ProtocolRegistry.builder()
          .add(PING)
          .add(ECHO)
          .add(LONG)
          .addMatching(CHAT_FAMILY + "x", id -> id.startsWith(CHAT_FAMILY))
          .build();

  /** What the dialer proposes, in order; a lazy dialer proposes the first alone. */
  private static final List<String> PROPOSALS = List.of("/noise", "/tls/1.0.0", "/plaintext/2.0.0");

  /** What the selected protocol writes at once: bytes, which leave at once... */
  private static final byte[] EARLY_DATA = "early data".getBytes(StandardCharsets.UTF_8);

  /** ...then its end, a message that is not bytes, which a lazy dialer holds until the echo. */
  private static final Object END_OF_WRITES = new Object();

  /**
   * More than the bookkeeping Netty adds to each pending outbound message (96 bytes by default),
   * so that bytes plus this much per message bound what the channel counts as pending.
   */
  private static final int ENTRY_OVERHEAD_BOUND = 128;

  /**
   * For {@link #messages}: at paranoid level the leak detector records every access to a tracked
   * buffer, which made that target several times slower. The listener target runs the same
   * encoder on the channel's tracked allocator.
   */
  private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

  @FuzzTest(maxDuration = "60s")
  void messages(byte[] input) {
    ByteBuf in = Unpooled.wrappedBuffer(input);
    List<String> protocols = new ArrayList<>();
    while (in.isReadable()) {
      int start = in.readerIndex();
      Read read = decodesOrRejectsCleanly(
          List.of(MalformedMessageException.class), () -> "message at " + start, () -> read(in))
          .orElse(null);
      if (read == null || read.payload() == null) {
        assertEquals(start, in.readerIndex(), "a message not read must not move the reader index");
        if (read != null) {
          assertCanStillComplete(input, start);
        }
        break;
      }
      assertReencodesTo(read.payload(), input, start, in.readerIndex());
      if (isValidProtocolId(read.payload())) {
        protocols.add(read.payload());
      }
    }
    assertListReadsBack(protocols);
  }

  @FuzzTest(maxDuration = "60s")
  void listener(FuzzedDataProvider data) {
    int maxMessages = data.consumeInt(2, 129);
    boolean peerStopsReading = data.consumeBoolean();
    int highWaterMark = 1024 * data.consumeInt(1, 16);
    EmbeddedChannel channel =
        peerStopsReading
            ? AbstractNegotiationHandlerTest.peerNotReading(highWaterMark)
            : new EmbeddedChannel();
    channel.freezeTime();
    App app = new App();
    MultistreamListenerHandler listener =
        MultistreamListenerHandler.builder(REGISTRY)
            .maxMessages(maxMessages)
            .onSelected((ctx, protocol) -> app.install(ctx, protocol, false))
            .build();
    Written written = new Written();
    Verdict verdict;
    try {
      channel.pipeline().addLast(listener);
      written.drain(channel);
      byte[] fed = feedInChunks(channel, data, written);
      long notReadingBound =
          peerStopsReading
              ? highWaterMark + (long) AbstractNegotiationHandler.MAX_UNREAD_BEYOND_HIGH_WATER_MARK
              : Long.MAX_VALUE;
      Expected expected = listenerModel(fed, maxMessages, notReadingBound);
      channel.checkException();
      verdict = Verdict.of(listener.selectedProtocol());
      if (verdict.failure() instanceof PeerNotReadingException && expected.mayStall()) {
        // Where exactly the peer counts as not reading depends on Netty's bookkeeping; the model
        // only bounds it.
        assertFalse(channel.isOpen(), "closed after the failure");
        assertTrue(app.selected.isEmpty());
        return;
      }
      assertEquals(expected.selected(), verdict.selected());
      assertEquals(expected.failure(), verdict.failureType(), () -> "failure " + verdict.failure());
      assertEquals(verdict.failure() == null, channel.isOpen(), "closed exactly when failed");
      if (!peerStopsReading) {
        assertArrayEquals(expected.written(), written.bytes.toByteArray(), "the answers");
      }
      assertEquals(0, written.endsOfWrites);
      if (verdict.selected() != null) {
        assertTrue(served(verdict.selected()), verdict.selected());
        assertEquals(List.of(verdict.selected()), app.selected, "reported once");
        assertNull(channel.pipeline().get(MultistreamListenerHandler.class), "left the pipeline");
        assertArrayEquals(
            Arrays.copyOfRange(fed, expected.consumed(), fed.length),
            app.received.toByteArray(),
            "the bytes after the negotiation, unchanged");
      } else {
        assertTrue(app.selected.isEmpty(), "nothing selected");
        if (verdict.failure() == null) {
          assertNotNull(channel.pipeline().get(MultistreamListenerHandler.class), "still listening");
        }
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    if (verdict.selected() == null && verdict.failure() == null) {
      assertEquals(
          NegotiationException.class,
          Verdict.of(listener.selectedProtocol()).failureType(),
          "an unfinished negotiation fails when the channel closes");
    }
  }

  @FuzzTest(maxDuration = "60s")
  void dialer(FuzzedDataProvider data) {
    List<String> protocols = PROPOSALS.subList(0, data.consumeInt(1, PROPOSALS.size()));
    boolean lazy = data.consumeBoolean() && protocols.size() == 1;
    App app = new App();
    MultistreamDialerHandler dialer =
        MultistreamDialerHandler.builder(protocols)
            .lazy(lazy)
            .onSelected((ctx, protocol) -> app.install(ctx, protocol, true))
            .build();
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    Written written = new Written();
    Verdict confirmed;
    Expected expected;
    try {
      channel.pipeline().addLast(dialer);
      channel.runPendingTasks();
      written.drain(channel);
      byte[] fed = feedInChunks(channel, data, written);
      expected = dialerModel(fed, protocols, lazy);
      channel.checkException();
      confirmed = Verdict.of(dialer.confirmedProtocol());
      assertEquals(expected.selected(), confirmed.selected());
      assertEquals(expected.failure(), confirmed.failureType(), () -> "failure " + confirmed.failure());
      assertEquals(confirmed.failure() == null, channel.isOpen(), "closed exactly when failed");
      assertArrayEquals(expected.written(), written.bytes.toByteArray(), "the proposals");
      Verdict selected = Verdict.of(dialer.selectedProtocol());
      if (lazy) {
        assertEquals(protocols.get(0), selected.selected(), "a lazy dialer selects at once");
        assertEquals(List.of(protocols.get(0)), app.selected, "reported once");
        // A late refusal reaches the protocol's handlers, once; then the channel closes.
        assertEquals(confirmed.failure() == null ? List.of() : List.of(confirmed.failure()), app.failures);
      } else {
        assertEquals(confirmed, selected, "without lazy mode, selected is confirmed");
        assertEquals(
            confirmed.selected() == null ? List.of() : List.of(confirmed.selected()), app.selected,
            "reported at most once");
        assertTrue(app.failures.isEmpty(), () -> "failures " + app.failures);
      }
      if (confirmed.selected() != null) {
        assertNull(channel.pipeline().get(MultistreamDialerHandler.class), "left the pipeline");
        assertArrayEquals(
            Arrays.copyOfRange(fed, expected.consumed(), fed.length),
            app.received.toByteArray(),
            "the bytes after the negotiation, unchanged");
        assertEquals(1, written.endsOfWrites, "the end of writes went out, once");
        assertEquals(expected.written().length, written.endOfWritesAt, "after the bytes");
        assertTrue(app.endOfWrites.isSuccess());
      } else {
        assertEquals(0, app.received.size(), "nothing passed on");
        assertEquals(0, written.endsOfWrites, "the end of writes waits for the echo");
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    if (confirmed.selected() == null) {
      if (confirmed.failure() == null) {
        assertEquals(
            NegotiationException.class,
            Verdict.of(dialer.confirmedProtocol()).failureType(),
            "an unfinished negotiation fails when the channel closes");
      }
      if (app.endOfWrites != null) {
        assertInstanceOf(ClosedChannelException.class, app.endOfWrites.cause(), "held, then failed");
      }
    }
  }

  // ---- the models: what the rules say, for the peer's bytes read in one piece ----

  /**
   * What a listener must do. {@code notReadingBound} is the pending outbound bytes past which it
   * must stop answering a peer that does not read.
   */
  private static Expected listenerModel(byte[] fed, int maxMessages, long notReadingBound) {
    ByteBuf in = Unpooled.wrappedBuffer(fed);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    writeMessage(written, Multistream.PROTOCOL_ID);
    int answers = 1;
    boolean mayStall = false;
    boolean headerReceived = false;
    for (int received = 1; ; received++) {
      String message;
      try {
        message = MessageCodec.readMessage(in);
      } catch (MessageCodec.MalformedInput e) {
        return Expected.failed(MalformedMessageException.class, written, mayStall);
      }
      if (message == null) {
        return Expected.pending(written, mayStall);
      }
      if (received > maxMessages) {
        return Expected.failed(TooManyMessagesException.class, written, mayStall);
      }
      if (!headerReceived) {
        if (!message.equals(Multistream.PROTOCOL_ID)) {
          return Expected.failed(MalformedMessageException.class, written, mayStall);
        }
        headerReceived = true;
        continue;
      }
      // Before each answer the listener looks whether the peer still reads: the answers pending
      // are at least their bytes, and at most those plus Netty's bookkeeping.
      if (written.size() > notReadingBound) {
        return Expected.failed(PeerNotReadingException.class, written, true);
      }
      mayStall |= written.size() + (long) ENTRY_OVERHEAD_BOUND * answers > notReadingBound;
      answers++;
      if (message.equals(Multistream.LS)) {
        writeProtocolList(written, LISTED);
      } else if (served(message)) {
        writeMessage(written, message);
        return Expected.selected(message, written, in.readerIndex(), mayStall);
      } else {
        writeMessage(written, Multistream.NA);
      }
    }
  }

  /** What a dialer proposing {@code protocols} must do; a lazy one selects before any answer. */
  private static Expected dialerModel(byte[] fed, List<String> protocols, boolean lazy) {
    ByteBuf in = Unpooled.wrappedBuffer(fed);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    writeMessage(written, Multistream.PROTOCOL_ID);
    writeMessage(written, protocols.get(0));
    if (lazy) {
      written.writeBytes(EARLY_DATA);
    }
    int maxMessages = Math.max(Multistream.DEFAULT_MAX_MESSAGES, protocols.size() + 1);
    int proposed = 1;
    boolean headerReceived = false;
    for (int received = 1; ; received++) {
      String message;
      try {
        message = MessageCodec.readMessage(in);
      } catch (MessageCodec.MalformedInput e) {
        return Expected.failed(MalformedMessageException.class, written, false);
      }
      if (message == null) {
        return Expected.pending(written, false);
      }
      if (received > maxMessages) {
        return Expected.failed(TooManyMessagesException.class, written, false);
      }
      if (!headerReceived) {
        if (!message.equals(Multistream.PROTOCOL_ID)) {
          return Expected.failed(MalformedMessageException.class, written, false);
        }
        headerReceived = true;
        continue;
      }
      String current = protocols.get(proposed - 1);
      if (message.equals(current)) {
        if (!lazy) {
          written.writeBytes(EARLY_DATA);
        }
        return Expected.selected(current, written, in.readerIndex(), false);
      }
      if (!message.equals(Multistream.NA)) {
        return Expected.failed(MalformedMessageException.class, written, false);
      }
      if (lazy || proposed == protocols.size()) {
        return Expected.failed(NegotiationException.class, written, false);
      }
      writeMessage(written, protocols.get(proposed++));
    }
  }

  /**
   * A model's prediction: the protocol selected, or the type of the failure, or neither (still
   * negotiating); everything written; how many bytes the negotiation consumed; and, for a peer
   * that does not read, whether the handler may already have stopped answering it.
   */
  private record Expected(
      String selected,
      Class<? extends NegotiationException> failure,
      byte[] written,
      int consumed,
      boolean mayStall) {

    static Expected selected(String protocol, ByteArrayOutputStream written, int consumed, boolean mayStall) {
      return new Expected(protocol, null, written.toByteArray(), consumed, mayStall);
    }

    static Expected failed(
        Class<? extends NegotiationException> failure, ByteArrayOutputStream written, boolean mayStall) {
      return new Expected(null, failure, written.toByteArray(), -1, mayStall);
    }

    static Expected pending(ByteArrayOutputStream written, boolean mayStall) {
      return new Expected(null, null, written.toByteArray(), -1, mayStall);
    }
  }

  /** Whether the listener serves {@code protocol}: {@link #REGISTRY}, spelled out again. */
  private static boolean served(String protocol) {
    return LISTED.contains(protocol) || protocol.startsWith(CHAT_FAMILY);
  }

  // ---- the handlers' side ----

  /**
   * What a negotiation future says so far: the protocol, or the failure, or neither yet. A failure
   * is checked to be a {@link NegotiationException} with a message.
   */
  private record Verdict(String selected, Throwable failure) {

    static Verdict of(CompletableFuture<String> future) {
      if (!future.isDone()) {
        return new Verdict(null, null);
      }
      Throwable failure = future.handle((protocol, error) -> error).join();
      String selected =
          decodesOrRejectsCleanly(
                  List.of(NegotiationException.class),
                  () -> "the peer's bytes",
                  () -> {
                    if (failure != null) {
                      throw failure;
                    }
                    return future.join();
                  })
              .orElse(null);
      return new Verdict(selected, failure);
    }

    Class<?> failureType() {
      return failure == null ? null : failure.getClass();
    }
  }

  /**
   * The selected protocol's handler: records the selection, the bytes the negotiator passes on,
   * and the failures that reach it. As a protocol would, it may write at once: {@link #EARLY_DATA}
   * and then {@link #END_OF_WRITES}.
   */
  private static final class App extends ChannelInboundHandlerAdapter {
    final List<String> selected = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<Throwable> failures = new ArrayList<>();
    ChannelFuture endOfWrites;

    void install(ChannelHandlerContext negotiator, String protocol, boolean writeAtOnce) {
      selected.add(protocol);
      negotiator.pipeline().addAfter(negotiator.name(), null, this);
      if (writeAtOnce) {
        negotiator.channel().writeAndFlush(Unpooled.wrappedBuffer(EARLY_DATA));
        endOfWrites = negotiator.channel().writeAndFlush(END_OF_WRITES);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.writeBytes(ByteBufs.take(msg));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failures.add(cause);
    }
  }

  /** Everything the channel wrote: bytes, and where among them {@link #END_OF_WRITES} went. */
  private static final class Written {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int endsOfWrites;
    int endOfWritesAt = -1;

    void drain(EmbeddedChannel channel) {
      Object message;
      while ((message = channel.readOutbound()) != null) {
        if (message == END_OF_WRITES) {
          endsOfWrites++;
          endOfWritesAt = bytes.size();
        } else {
          bytes.writeBytes(ByteBufs.take(message));
        }
      }
    }
  }

  /**
   * Feeds the rest of {@code data} inbound in chunks of 1 to 256 bytes, each size taken from the
   * back of the input, until the input is used up or the channel closes; reads what the channel
   * writes after each chunk. Returns the bytes fed.
   */
  private static byte[] feedInChunks(EmbeddedChannel channel, FuzzedDataProvider data, Written written) {
    ByteArrayOutputStream fed = new ByteArrayOutputStream();
    while (data.remainingBytes() > 0 && channel.isOpen()) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 256));
      fed.writeBytes(chunk);
      channel.writeInbound(Unpooled.wrappedBuffer(chunk));
      written.drain(channel);
    }
    return fed.toByteArray();
  }

  // ---- the codec's side ----

  /** One call of {@link MessageCodec#readMessage}: the payload, or null if more bytes are needed. */
  private record Read(String payload) {}

  /** Reads as the handlers do, which report the codec's rejection as this exception. */
  private static Read read(ByteBuf in) {
    try {
      return new Read(MessageCodec.readMessage(in));
    } catch (MessageCodec.MalformedInput e) {
      throw new MalformedMessageException(e.getMessage(), List.of());
    }
  }

  /**
   * Asserts that the bytes from {@code start} on are the beginning of a valid message: the first
   * byte of a two-byte length prefix, or a minimal prefix of an allowed length with fewer bytes
   * after it than it announces.
   */
  private static void assertCanStillComplete(byte[] input, int start) {
    int first = input[start] & 0xff;
    int available = input.length - start;
    if (first >= 0x80 && available == 1) {
      return;
    }
    int prefix = first < 0x80 ? 1 : 2;
    int length = first < 0x80 ? first : (first & 0x7f) | (input[start + 1] & 0xff) << 7;
    assertTrue(
        (prefix == 1 || ((input[start + 1] & 0xff) < 0x80 && length >= 0x80))
            && length >= 1
            && length <= Multistream.MAX_MESSAGE_LENGTH
            && available < prefix + length,
        "awaited more bytes for a message that can never be valid");
  }

  /** Asserts that the message read from {@code input[start, end)} is its payload's encoding. */
  private static void assertReencodesTo(String payload, byte[] input, int start, int end) {
    assertEquals('\n', input[end - 1], "a message ends with a newline");
    byte[] utf8 = payload.getBytes(StandardCharsets.UTF_8);
    int prefix = (input[start] & 0x80) == 0 ? 1 : 2;
    if (!Arrays.equals(utf8, 0, utf8.length, input, start + prefix, end - 1)) {
      // Not UTF-8: the payload has U+FFFD in place of each bad sequence, three bytes where the
      // peer may have sent one, so its encoding is another message, and may be over the limit.
      return;
    }
    ByteBuf reencoded = Unpooled.wrappedBuffer(new byte[utf8.length + 3]).clear();
    MessageCodec.writeMessage(reencoded, payload);
    assertArrayEquals(
        Arrays.copyOfRange(input, start, end),
        Arrays.copyOf(reencoded.array(), reencoded.readableBytes()),
        "a message has one encoding");
    assertEquals(payload, read(reencoded).payload(), "decode(encode(payload)) == payload");
  }

  private static boolean isValidProtocolId(String payload) {
    try {
      MessageCodec.requireValidProtocolId(payload);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Asserts that the answer to {@code ls} listing {@code protocols} is one length-prefixed body of
   * one message per protocol and a newline, as the spec draws it, and reads back as the same list.
   * The whole answer is not held to {@link Multistream#MAX_MESSAGE_LENGTH}: {@link
   * MessageCodec#encodeProtocolList} does not bound it.
   */
  private static void assertListReadsBack(List<String> protocols) {
    ByteBuf answer = MessageCodec.encodeProtocolList(UNTRACKED, protocols);
    try {
      long bodyLength = UnsignedVarint.readIfComplete(answer);
      assertEquals(answer.readableBytes(), bodyLength, "the prefix counts the whole list");
      assertEquals('\n', answer.getByte(answer.writerIndex() - 1), "the list ends with a newline");
      ByteBuf body = answer.readSlice(answer.readableBytes() - 1);
      List<String> listed = new ArrayList<>();
      while (body.isReadable()) {
        String protocol = read(body).payload();
        if (protocol == null) {
          fail("the list ends inside a message");
        }
        listed.add(protocol);
      }
      assertEquals(protocols, listed);
    } finally {
      answer.release();
    }
  }

  // ---- encoding for the models, independent of the codec ----

  private static void writeMessage(ByteArrayOutputStream out, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(UnsignedVarint.encode(bytes.length + 1));
    out.writeBytes(bytes);
    out.write('\n');
  }

  /** The answer to {@code ls}: uvarint(len) || each protocol as a message || '\n'. */
  private static void writeProtocolList(ByteArrayOutputStream out, List<String> protocols) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    protocols.forEach(protocol -> writeMessage(body, protocol));
    body.write('\n');
    out.writeBytes(UnsignedVarint.encode(body.size()));
    out.writeBytes(body.toByteArray());
  }
}
