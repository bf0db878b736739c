package io.jlibp2p.perf.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.conformance.CountingStreamScope;
import io.jlibp2p.core.conformance.EmbeddedStream;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.perf.Perf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz target of the perf server ({@link Perf#handler()}), on a stream ({@link
 * EmbeddedStream}) that plays the client: it sends the fuzzer's bytes in chunks of sizes the
 * fuzzer picks (the first 8 are the request, a big-endian unsigned 64-bit count; the rest is the
 * upload), then ends the stream as the fuzzer picks, and reads the reply through a window it opens
 * in steps of a size the fuzzer picks. The properties:
 *
 * <ul>
 *   <li>nothing is sent before the client has ended its side: the spec forbids the reply to
 *       overlap the upload;
 *   <li>after the end of a complete request the server sends exactly the count asked for (any
 *       unsigned 64-bit count is valid), then ends its side, and the stream closes; of a count above {@link
 *       #MOST_READ} the target reads that much, and the server is still sending;
 *   <li>whatever it was asked, the writes waiting in the stream stay under {@link #MEMORY_LIMIT}:
 *       the server follows the stream's writability (a write past the limit would fail and reset
 *       the stream, and the reply would fall short);
 *   <li>an end before the 8-byte request fails with a {@link Libp2pException} with a message and a
 *       reset; a reset or the connection's close ends it quietly;
 *   <li>every buffer fed in is released.
 * </ul>
 *
 * <p>The client side ({@code Perf.run}) parses nothing, it counts what arrives; so it has no target.
 *
 * <p>Input layout ({@link FuzzedDataProvider} takes numbers from the end and bytes from the front):
 * the last byte picks how the client ends the stream ({@link Ending}), the one before the window
 * step (64 KiB shifted right by 0 to 6); then, going backwards, two bytes per chunk give its size
 * (1 to 4096, big-endian), and the chunks come from the front: a seed is the client's bytes on the
 * wire followed by those choices.
 *
 * <p>A plain build replays the inputs in {@code
 * src/test/resources/io/jlibp2p/perf/fuzz/PerfFuzzTestInputs/server/}. To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-perf -Ddocs.phase=none -Dtest='PerfFuzzTest#server'
 * </pre>
 */
class PerfFuzzTest {

  /**
   * The most reply bytes one execution reads: past the stream's high water mark (64 KiB) and a
   * block of the server's (64 KiB), so that its writes back up and resume, and few enough to keep
   * executions fast.
   */
  private static final long MOST_READ = 160 * 1024;

  /** The memory the stream may reserve for writes waiting to go out. */
  private static final long MEMORY_LIMIT = 256 * 1024;

  /** How the client ends the stream once its bytes are sent. */
  enum Ending {
    /** It ends its writing, and waits for the reply. */
    END_OF_STREAM,
    /** It resets the stream. */
    REMOTE_RESET,
    /** The connection under the stream closes. */
    CONNECTION_CLOSED
  }

  @FuzzTest(maxDuration = "60s")
  void server(FuzzedDataProvider data) {
    Ending ending = Ending.values()[data.consumeInt(0, Ending.values().length - 1)];
    int step = (64 * 1024) >> data.consumeInt(0, 6);

    CountingStreamScope scope = new CountingStreamScope(MEMORY_LIMIT);
    // Open from the start, so that a reply sent during the upload would show.
    EmbeddedStream stream = EmbeddedStream.open(scope, step);
    Perf.handler().handle(stream);
    InboundRecorder recorder = new InboundRecorder();
    stream.pipeline().addLast(recorder);
    List<ByteBuf> fed = new ArrayList<>();
    byte[] request = new byte[8];
    int requestBytes = 0;
    try {
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 4096));
        if (chunk.length == 0) {
          break; // the size took the last bytes
        }
        for (int i = 0; i < chunk.length && requestBytes < request.length; i++) {
          request[requestBytes++] = chunk[i];
        }
        ByteBuf buf = Unpooled.wrappedBuffer(chunk);
        fed.add(buf);
        stream.onData(buf);
        stream.runPendingTasks();
      }
      assertNull(stream.pollSent(), "the reply must not overlap the upload");
      assertFalse(stream.isWriteClosed());

      switch (ending) {
        case END_OF_STREAM -> {
          stream.onRemoteClose();
          stream.runPendingTasks();
          if (requestBytes < request.length) {
            assertRejected(recorder);
            assertTrue(stream.wasReset(), "an incomplete request resets the stream");
          } else {
            assertReplies(stream, recorder, Unpooled.wrappedBuffer(request).getLong(0), step);
          }
        }
        case REMOTE_RESET -> {
          stream.onReset("the client reset the stream");
          stream.runPendingTasks();
        }
        case CONNECTION_CLOSED -> {
          stream.onConnectionClosed();
          stream.runPendingTasks();
        }
      }
      if (ending != Ending.END_OF_STREAM) {
        assertNull(stream.pollSent(), "nothing is sent to a client that did not end its side");
        assertFalse(stream.isOpen());
      }
    } finally {
      stream.finish();
    }
    assertNull(scope.misuse());
    for (ByteBuf buf : fed) {
      assertEquals(0, buf.refCnt(), "a buffer fed in was not released");
    }
  }

  /**
   * Reads the reply to a request for {@code requested} bytes (unsigned), opening the window {@code
   * step} bytes at a time, up to {@link #MOST_READ}; then checks it is all there and ended, or,
   * for a larger request, that the server is still sending.
   */
  private static void assertReplies(EmbeddedStream stream, InboundRecorder recorder, long requested, int step) {
    boolean whole = Long.compareUnsigned(requested, MOST_READ) <= 0;
    long target = whole ? requested : MOST_READ;
    // The window opened before the end already counts; then it opens until the target is covered,
    // and one step more for a whole reply, where a byte too many would show.
    long granted = step;
    long received = drain(stream);
    while (granted < target + (whole ? step : 0)) {
      long next = Math.min(step, target + (whole ? step : 0) - granted);
      granted += next;
      stream.grant(next);
      received += drain(stream);
    }
    if (!recorder.errors.isEmpty()) {
      fail("the server failed a valid request", recorder.errors.get(0));
    }
    if (whole) {
      assertEquals(requested, received, "the server sends exactly the count asked for");
      assertTrue(stream.isWriteClosed(), "then ends its side");
      assertFalse(stream.isOpen(), "and the stream, ended both ways, closes");
    } else {
      assertEquals(target, received, "a large reply is sent as fast as the window opens");
      assertFalse(stream.isWriteClosed(), "and is not over yet");
      assertTrue(stream.isOpen());
    }
  }

  private static void assertRejected(InboundRecorder recorder) {
    assertEquals(1, recorder.errors.size(), "an incomplete request is an error passed on");
    Throwable error = recorder.errors.get(0);
    if (!(error instanceof Libp2pException) || error.getMessage() == null || error.getMessage().isBlank()) {
      fail("failed with " + error + " instead of a Libp2pException with a message", error);
    }
  }

  /** Counts and releases what the stream has sent since the last look. */
  private static long drain(EmbeddedStream stream) {
    long bytes = 0;
    ByteBuf data;
    while ((data = stream.pollSent()) != null) {
      bytes += data.readableBytes();
      data.release();
    }
    return bytes;
  }
}
