package io.jlibp2p.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.conformance.CountingStreamScope;
import io.jlibp2p.core.conformance.EmbeddedStream;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.internal.IdentifyCodec;
import io.jlibp2p.core.identify.internal.IdentifyReader;
import io.jlibp2p.core.identify.internal.pb.IdentifyProtos;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.testing.DecodingAssertions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Jazzer fuzz targets of identify's decoding: the message codec alone, and the reader a stream's
 * pipeline runs. Each checks properties of the verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>{@link #identifyMessage}: {@link IdentifyCodec#decode} rejects with an {@link
 *       IdentifyException} and a message, nothing else; what it accepts re-encodes ({@link
 *       IdentifyCodec#encode}, split under {@link Identify#MAX_SENT_MESSAGE_SIZE}) to messages that
 *       each decode alone, are under the limit unless one field alone is larger, and merge back to
 *       an equal {@link IdentifyInfo}, whole and split.
 *   <li>{@link #identifyReader}: an {@link IdentifyReader}, installed on a stream ({@link
 *       EmbeddedStream}) and fed the remote's bytes in chunks of sizes the fuzzer picks, ends
 *       however the stream ends: with what {@link IdentifyCodec#decode} makes of the messages when
 *       the remote ends its writing after at most {@link Identify#MAX_MESSAGES} whole messages of
 *       at most {@link Identify#MAX_RECEIVED_MESSAGE_SIZE} bytes ({@link LengthPrefixedStreamModel}
 *       frames them independently), and otherwise with an {@link IdentifyException} with a
 *       message. Either way the stream ends (closed, or reset when the reader gave up), sends
 *       nothing, gives back the memory its frame decoder reserved, and releases every buffer.
 * </ul>
 *
 * <p>Input layout of {@code identifyReader} ({@link FuzzedDataProvider} takes numbers from the end
 * and bytes from the front): the last byte picks how the stream ends ({@link Ending}); then, going
 * backwards, two bytes per chunk give its size (1 to 16384), and the chunks come from the front:
 * a seed is the bytes on the wire followed by those choices. {@code identifyMessage} takes the
 * bytes of one (merged) message.
 *
 * <p>A plain build replays the inputs in {@code
 * src/test/resources/io/jlibp2p/core/fuzz/IdentifyFuzzTestInputs/<method>/}. To fuzz one target:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-core -Ddocs.phase=none \
 *     -Dtest='IdentifyFuzzTest#identifyReader'
 * </pre>
 */
class IdentifyFuzzTest {

  private static final PeerId REMOTE = PeerId.fromPublicKey(PrivateKey.generate().publicKey());

  /** How the identify stream ends once every chunk is in. */
  enum Ending {
    /** The remote ends its writing: the answer is complete. */
    END_OF_STREAM,
    /** The remote resets the stream. */
    REMOTE_RESET,
    /** The connection under the stream closes. */
    CONNECTION_CLOSED,
    /** Nothing more comes until {@link Identify#TIMEOUT} passes. */
    TIMEOUT
  }

  @FuzzTest(maxDuration = "60s")
  void identifyMessage(byte[] input) {
    Optional<IdentifyInfo> decoded = decode(input);
    if (decoded.isEmpty()) {
      return;
    }
    IdentifyInfo info = decoded.get();
    // Protobuf has many encodings of one message (fields in any order, repeated fields
    // interleaved with others, the last of a repeated singular field winning, unknown fields
    // skipped, malformed UTF-8 read as U+FFFD), and the codec drops addresses and records that do
    // not parse: so the re-encoding is compared by what it decodes to, not byte for byte.
    List<byte[]> split = IdentifyCodec.encode(info, Identify.MAX_SENT_MESSAGE_SIZE);
    for (byte[] message : split) {
      if (message.length > Identify.MAX_SENT_MESSAGE_SIZE) {
        assertEquals(1, entries(message), "only a field too large on its own may pass the limit");
      }
      // A receiver may parse each message alone (rust-libp2p does), so each must stand alone.
      decodeOwnOutput(message);
    }
    assertEquals(info, decodeOwnOutput(concat(split)), "split and merged again");
    List<byte[]> whole = IdentifyCodec.encode(info, Integer.MAX_VALUE);
    assertEquals(1, whole.size());
    assertEquals(info, decodeOwnOutput(whole.get(0)), "in one message");
  }

  @FuzzTest(maxDuration = "60s")
  void identifyReader(FuzzedDataProvider data) {
    Ending ending = Ending.values()[data.consumeInt(0, Ending.values().length - 1)];

    // The frame decoder reserves at most one message's memory: a larger reservation is refused.
    CountingStreamScope scope = new CountingStreamScope(Identify.MAX_RECEIVED_MESSAGE_SIZE);
    EmbeddedStream stream = EmbeddedStream.open(scope, Long.MAX_VALUE);
    stream.attr(Stream.REMOTE_PEER).set(REMOTE);
    IdentifyReader reader = IdentifyReader.install(stream);
    stream.runPendingTasks();
    LengthPrefixedStreamModel model =
        new LengthPrefixedStreamModel(Identify.MAX_RECEIVED_MESSAGE_SIZE, Long.MAX_VALUE);
    List<ByteBuf> fed = new ArrayList<>();
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 16384));
        if (chunk.length == 0) {
          break; // the size took the last bytes
        }
        ByteBuf buf = Unpooled.wrappedBuffer(chunk);
        fed.add(buf);
        stream.onData(buf);
        stream.runPendingTasks();
        model.feed(chunk);
      }
      switch (ending) {
        case END_OF_STREAM -> {
          stream.onRemoteClose();
          model.endOfStream();
        }
        case REMOTE_RESET -> stream.onReset("the remote reset the stream");
        case CONNECTION_CLOSED -> stream.onConnectionClosed();
        case TIMEOUT -> {
          stream.embeddedParent().advanceTimeBy(Identify.TIMEOUT.toNanos() + 1, TimeUnit.NANOSECONDS);
          stream.embeddedParent().runScheduledPendingTasks();
        }
      }
      stream.runPendingTasks();

      boolean framingFailed =
          model.failure() != null || model.messages().size() > Identify.MAX_MESSAGES;
      Optional<IdentifyInfo> expected =
          ending == Ending.END_OF_STREAM && !framingFailed
              ? decode(concat(model.messages()))
              : Optional.empty();
      CompletableFuture<IdentifyInfo> result = reader.result();
      assertTrue(result.isDone(), "the reader ends as the stream does");
      if (expected.isPresent()) {
        assertFalse(result.isCompletedExceptionally(), () -> "failed: " + failure(result));
        assertEquals(expected.get(), result.join());
      } else {
        Throwable error = failure(result);
        if (!(error instanceof IdentifyException) || error.getMessage() == null || error.getMessage().isBlank()) {
          fail("the reader failed with " + error + " instead of an IdentifyException with a message", error);
        }
        boolean remoteEnded = ending == Ending.REMOTE_RESET || ending == Ending.CONNECTION_CLOSED;
        if (framingFailed || !remoteEnded) {
          assertTrue(stream.wasReset(), "a reader that gives up resets the stream");
        }
      }
      assertFalse(stream.isOpen(), "the stream is done with, whatever the verdict");
      assertEquals(0, stream.drainSent().length, "the reader sends nothing");
    } finally {
      stream.finish();
    }
    assertEquals(0, scope.outstanding(), "the frame decoder gives back its reservation itself");
    assertNull(scope.misuse());
    for (ByteBuf buf : fed) {
      assertEquals(0, buf.refCnt(), "a buffer fed in was not released");
    }
  }

  private static Optional<IdentifyInfo> decode(byte[] merged) {
    return DecodingAssertions.decodesOrRejectsCleanly(
        List.of(IdentifyException.class), () -> "the fuzzer's", () -> IdentifyCodec.decode(merged));
  }

  /** Decodes what the codec encoded itself, which must never be rejected. */
  private static IdentifyInfo decodeOwnOutput(byte[] message) {
    try {
      return IdentifyCodec.decode(message);
    } catch (IdentifyException e) {
      return fail("rejected its own encoding", e);
    }
  }

  /** The field entries of one message: what the encoder packs, each of which it cannot split. */
  private static int entries(byte[] message) {
    IdentifyProtos.Identify parsed;
    try {
      parsed = IdentifyProtos.Identify.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      return fail("not a protobuf", e);
    }
    return parsed.getAllFields().size() - (parsed.getListenAddrsCount() > 0 ? 1 : 0)
        - (parsed.getProtocolsCount() > 0 ? 1 : 0) + parsed.getListenAddrsCount() + parsed.getProtocolsCount();
  }

  private static Throwable failure(CompletableFuture<?> result) {
    try {
      result.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  private static byte[] concat(List<byte[]> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    messages.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
