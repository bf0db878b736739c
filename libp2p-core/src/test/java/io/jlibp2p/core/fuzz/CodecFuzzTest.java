package io.jlibp2p.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.conformance.CountingStreamScope;
import io.jlibp2p.core.conformance.EmbeddedStream;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.muxer.StreamResetException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Jazzer fuzz target of core's generic {@link LengthPrefixedFrameDecoder}, on a stream ({@link
 * EmbeddedStream}) fed in chunks of sizes the fuzzer picks, checked against {@link
 * LengthPrefixedStreamModel} after every chunk:
 *
 * <ul>
 *   <li>the messages passed on are exactly the stream's {@code uvarint(length) || bytes} bodies,
 *       so each re-frames to its bytes on the wire (a minimal varint is canonical);
 *   <li>a prefix that is not a minimal varint fails with a {@link
 *       io.jlibp2p.multiformats.DecodingException}, one above the decoder's limit, or one whose
 *       body the stream's scope has no memory for, with a {@link LimitExceededException}, each with
 *       a message, and nothing is passed on after it; so does a stream that ends inside a message;
 *   <li>while a message's body is incomplete its length is reserved from the stream's scope, and
 *       nothing otherwise: the reservation goes back as the message is passed on, as the stream
 *       ends, as the decoder is removed, as the stream closes;
 *   <li>every buffer fed in is released by the end, and the channel has nothing left.
 * </ul>
 *
 * <p>Input layout ({@link FuzzedDataProvider} takes numbers from the end and bytes from the front):
 * the last two bytes pick the decoder's limit (0 to 1024), the two before them the scope's memory
 * limit (0 to 1024), the one before how the stream ends ({@link Ending}); then, going backwards,
 * two bytes per chunk give its size (1 to 1024), and the chunks themselves come from the front.
 *
 * <p>A plain build replays the inputs in {@code
 * src/test/resources/io/jlibp2p/core/fuzz/CodecFuzzTestInputs/lengthPrefixedFrames/}. To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-core -Ddocs.phase=none \
 *     -Dtest='CodecFuzzTest#lengthPrefixedFrames'
 * </pre>
 */
class CodecFuzzTest {

  /** How the stream ends once every chunk is in. */
  enum Ending {
    /** The remote ends its writing. */
    END_OF_STREAM,
    /** The protocol removes the decoder, and the stream goes on. */
    DECODER_REMOVED,
    /** The remote resets the stream. */
    REMOTE_RESET,
    /** This side closes the stream. */
    LOCAL_CLOSE
  }

  @FuzzTest(maxDuration = "60s")
  void lengthPrefixedFrames(FuzzedDataProvider data) {
    int maxLength = data.consumeInt(0, 1024);
    int memoryLimit = data.consumeInt(0, 1024);
    Ending ending = Ending.values()[data.consumeInt(0, Ending.values().length - 1)];

    CountingStreamScope scope = new CountingStreamScope(memoryLimit);
    EmbeddedStream stream = EmbeddedStream.open(scope, Long.MAX_VALUE);
    InboundRecorder recorder = new InboundRecorder();
    stream.pipeline().addLast("frames", new LengthPrefixedFrameDecoder(maxLength)).addLast(recorder);
    LengthPrefixedStreamModel model = new LengthPrefixedStreamModel(maxLength, memoryLimit);
    List<ByteBuf> fed = new ArrayList<>();
    int checked = 0;
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 1024));
        if (chunk.length == 0) {
          break; // the size took the last bytes
        }
        ByteBuf buf = Unpooled.wrappedBuffer(chunk);
        fed.add(buf);
        stream.onData(buf);
        stream.runPendingTasks();
        model.feed(chunk);
        checked = assertAsModelled(model, recorder, scope, checked);
      }

      switch (ending) {
        case END_OF_STREAM -> {
          stream.onRemoteClose();
          stream.runPendingTasks();
          model.endOfStream();
          assertAsModelled(model, recorder, scope, checked);
        }
        case DECODER_REMOVED -> {
          byte[] pending = model.pending();
          int before = recorder.messages.size();
          stream.pipeline().remove("frames");
          // What the decoder held goes on to the next handler, which reads the stream from here.
          if (pending.length > 0) {
            assertEquals(before + 1, recorder.messages.size());
            assertArrayEquals(pending, recorder.messages.get(before));
          } else {
            assertEquals(before, recorder.messages.size());
          }
          assertEquals(0, scope.memory(), "the reservation goes back as the decoder is removed");
        }
        case REMOTE_RESET -> {
          int errors = recorder.errors.size();
          stream.onReset("the remote reset the stream");
          stream.runPendingTasks();
          assertEquals(errors + 1, recorder.errors.size());
          assertInstanceOf(StreamResetException.class, recorder.errors.get(errors));
        }
        case LOCAL_CLOSE -> {
          stream.close();
          stream.runPendingTasks();
        }
      }
    } finally {
      stream.finish();
    }
    assertFalse(stream.isOpen());
    assertEquals(0, scope.outstanding(), "the decoder gives back its reservation itself, by the close at the latest");
    assertTrue(scope.isClosed());
    assertNull(scope.misuse());
    for (ByteBuf buf : fed) {
      assertEquals(0, buf.refCnt(), "a buffer fed in was not released");
    }
  }

  /**
   * Compares what the decoder did so far with what the model says it should have; {@code checked}
   * messages were compared before.
   *
   * @return the messages compared now
   */
  private static int assertAsModelled(
      LengthPrefixedStreamModel model, InboundRecorder recorder, CountingStreamScope scope, int checked) {
    List<byte[]> expected = model.messages();
    assertEquals(expected.size(), recorder.messages.size(), "messages passed on");
    for (int i = checked; i < expected.size(); i++) {
      if (!Arrays.equals(expected.get(i), recorder.messages.get(i))) {
        int index = i;
        fail(() -> "message " + index + " is " + HexFormat.of().formatHex(recorder.messages.get(index))
            + ", not " + HexFormat.of().formatHex(expected.get(index)));
      }
    }
    Class<? extends RuntimeException> failure = model.failure();
    if (failure == null) {
      if (!recorder.errors.isEmpty()) {
        fail("the decoder failed on a valid stream", recorder.errors.get(0));
      }
    } else {
      assertEquals(1, recorder.errors.size(), "the decoder fails once, then reads nothing more");
      Throwable cause = unwrap(recorder.errors.get(0));
      if (!failure.isInstance(cause)) {
        fail("failed with " + cause.getClass().getName() + " instead of " + failure.getSimpleName(), cause);
      }
      if (cause.getMessage() == null || cause.getMessage().isBlank()) {
        fail("failed without a message", cause);
      }
      if (model.refusedByScope()) {
        assertEquals(scope.name(), ((LimitExceededException) cause).scope().orElse(null), cause.getMessage());
      }
    }
    assertEquals(model.reservation(), scope.memory(), "memory reserved for the pending message");
    assertNull(scope.misuse());
    return expected.size();
  }

  /** What a decoder threw, which {@link io.netty.handler.codec.ByteToMessageDecoder} wraps. */
  private static Throwable unwrap(Throwable error) {
    return error instanceof DecoderException && error.getCause() != null ? error.getCause() : error;
  }
}
