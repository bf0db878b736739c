package io.jlibp2p.yamux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.FuzzedFrameDecoding;
import io.jlibp2p.core.conformance.FuzzedFrameDecoding.Reading;
import io.jlibp2p.core.conformance.FuzzedMuxerSession;
import io.jlibp2p.core.conformance.SessionLogCapture;
import io.jlibp2p.core.muxer.StreamResetException;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.jlibp2p.yamux.internal.YamuxFrameDecoder.YamuxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jazzer fuzz targets for yamux: {@link #frames} drives {@link YamuxFrameDecoder} alone, {@link
 * #session} a whole {@link YamuxStreamMuxer} session. In this package rather than a {@code fuzz}
 * one because the decoder and {@link YamuxFrame} are package-private. Each checks properties, not
 * only that nothing crashed; what the harnesses in libp2p-core's test-jar check for any muxer is
 * said there, what is yamux's own here:
 *
 * <ul>
 *   <li>{@code frames} ({@link FuzzedFrameDecoding}): the frames the decoder passes on are those
 *       the spec's 12-byte header (read here independently of the decoder) delimits, each
 *       re-encoding ({@link YamuxFrame#writeHeader}) to its bytes on the wire, since the header has
 *       one encoding; a header the decoder must reject (a version other than 0, a type over 3, a
 *       Data length over the largest window) is a {@link YamuxProtocolException} with the
 *       decoder's message; after it nothing more is decoded, nor raised again when the channel
 *       closes.
 *   <li>{@code session} ({@link FuzzedMuxerSession}): the fuzzer chooses the session's role and
 *       limits, the connection's resource limits, whether its streams echo, and local actions
 *       between the reads. Besides the harness's checks (the session's log through {@link
 *       SessionLogCapture}; a stream's pipeline sees no exception but a {@link
 *       StreamResetException}), a protocol error closes the connection after a GoAway with the
 *       protocol error code, closing it from this side says GoAway normally, once, and everything
 *       the session wrote is well-formed frames that open streams of its own parity.
 * </ul>
 *
 * <p>Keepalive is off, and time does not move: no timer fires, and the round trip that window
 * tuning uses is never measured, since it would be the machine's real time.
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it: the wire bytes from the front, and from
 * the back, in this order, the target's settings (see each target), then for each step an action
 * and its arguments, for a read the chunk's size (1 to {@value FuzzedFrameDecoding#MAX_CHUNK}). A
 * seed is written in that layout: the wire bytes, then the back's values in reverse order.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/yamux/internal/YamuxFuzzTestInputs/<method>/}. To fuzz one target
 * ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-yamux -Ddocs.phase=none -Dtest='YamuxFuzzTest#session'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class YamuxFuzzTest {

  /** The session's default largest window, and so the decoder's bound on Data frames. */
  static final long DEFAULT_MAX_WINDOW = 16L << 20;

  // ---- the frame decoder ----

  private static final FuzzedFrameDecoding<YamuxFrame> FRAMES =
      new FuzzedFrameDecoding<>(YamuxFrame.class, YamuxProtocolException.class, new FuzzedFrameDecoding.FrameEncoding<>() {
        @Override
        public ByteBuf payload(YamuxFrame frame) {
          return frame.data();
        }

        @Override
        public void writeHeader(YamuxFrame frame, ByteBuf out) {
          ByteBuf payload = frame.data();
          assertEquals(frame.type() == YamuxFrame.TYPE_DATA, payload != null, "only a Data frame has a payload");
          YamuxFrame.writeHeader(out, frame.type(), frame.flags(), frame.streamId(), frame.length());
          if (payload != null) {
            assertEquals(frame.length(), payload.readableBytes(), "a Data frame's payload is its length");
          }
        }
      });

  /**
   * The settings, from the back: whether the bound on Data frames is the session's default (a
   * boolean), and if not, the bound (0 to 8192).
   */
  @FuzzTest(maxDuration = "60s")
  void frames(FuzzedDataProvider data) {
    long maxData = data.consumeBoolean() ? DEFAULT_MAX_WINDOW : data.consumeInt(0, 2 * FuzzedFrameDecoding.MAX_CHUNK);
    FRAMES.run(data, new YamuxFrameDecoder(maxData), (wire, offset) -> read(wire, offset, maxData));
  }

  /**
   * How the spec reads the bytes at an offset of the wire: a 12-byte header of version 0 and a type
   * up to GoAway, then for a Data frame its length (at most {@code maxData}) in bytes of payload.
   */
  private static Reading read(ByteBuf wire, int offset, long maxData) {
    int available = wire.writerIndex() - offset;
    if (available < YamuxFrame.HEADER_LENGTH) {
      return Reading.INCOMPLETE;
    }
    int version = wire.getUnsignedByte(offset);
    int type = wire.getUnsignedByte(offset + 1);
    long length = wire.getUnsignedInt(offset + 8);
    if (version != YamuxFrame.VERSION) {
      return Reading.rejected("unsupported yamux version " + version);
    }
    if (type > YamuxFrame.TYPE_GO_AWAY) {
      return Reading.rejected("unknown yamux frame type " + type);
    }
    if (type != YamuxFrame.TYPE_DATA) {
      return Reading.complete(YamuxFrame.HEADER_LENGTH);
    }
    if (length > maxData) {
      return Reading.rejected("Data frame of " + length + " bytes exceeds any receive window (" + maxData + ")");
    }
    return available - YamuxFrame.HEADER_LENGTH < length ? Reading.INCOMPLETE : Reading.complete(YamuxFrame.HEADER_LENGTH + length);
  }

  // ---- a whole session ----

  /** The connection's memory limit, by the index the fuzzer picks: none, nothing, one window, four. */
  private static final long[] MEMORY_LIMITS = {Long.MAX_VALUE, 0, YamuxSession.INITIAL_WINDOW, 4 * YamuxSession.INITIAL_WINDOW};

  @RegisterExtension
  static final SessionLogCapture SESSION_LOG = new SessionLogCapture(YamuxSession.class, "yamux protocol error");

  private static final FuzzedMuxerSession SESSION =
      new FuzzedMuxerSession("yamux", YamuxProtocolException.class, MEMORY_LIMITS, SESSION_LOG);

  /**
   * The settings, from the back: inbound role (boolean), echo (boolean), {@code maxStreams} (1 to
   * 8), the connection's inbound and outbound stream limits (0 to 8 each) and its memory limit (an
   * index into {@link #MEMORY_LIMITS}, 0 to 3). Then the steps, as {@link FuzzedMuxerSession} reads
   * them.
   */
  @FuzzTest(maxDuration = "60s")
  void session(FuzzedDataProvider data) {
    SESSION.run(data, YamuxFuzzTest::consumeMuxer, (written, role, closedBySession) ->
        checkWritten(written, role, closedBySession ? YamuxFrame.GO_AWAY_PROTOCOL_ERROR : YamuxFrame.GO_AWAY_NORMAL));
  }

  /** The muxer's settings, read between the echo and the connection's limits (see {@link #session}). */
  private static YamuxStreamMuxer consumeMuxer(FuzzedDataProvider data) {
    return YamuxStreamMuxer.builder().keepAlive(Duration.ZERO).maxStreams(data.consumeInt(1, 8)).build();
  }

  /**
   * Everything the session wrote must be complete, well-formed frames; a SYN only for a stream of
   * this side's parity, an ACK only for the remote's; and the last frame, the only GoAway, must
   * carry {@code goAwayCode}.
   */
  private static void checkWritten(ByteBuf written, Direction role, int goAwayCode) {
    long ours = role == Direction.OUTBOUND ? 1 : 0; // the dialer's streams are odd
    int offset = 0;
    int goAways = 0;
    int last = -1;
    while (offset < written.writerIndex()) {
      Reading reading = read(written, offset, 0xffffffffL);
      int at = offset;
      assertTrue(reading.isComplete(), () -> "the session wrote " + reading + " at " + at + " of "
          + ByteBufUtil.hexDump(written));
      int type = written.getUnsignedByte(offset + 1);
      int flags = written.getUnsignedShort(offset + 2);
      long id = written.getUnsignedInt(offset + 4);
      if (type == YamuxFrame.TYPE_GO_AWAY) {
        goAways++;
      } else if (type != YamuxFrame.TYPE_PING && (flags & (YamuxFrame.FLAG_SYN | YamuxFrame.FLAG_ACK)) != 0) {
        boolean syn = (flags & YamuxFrame.FLAG_SYN) != 0;
        assertEquals(syn ? ours : 1 - ours, id & 1, () -> (syn ? "SYN" : "ACK") + " for stream " + id);
      }
      last = offset;
      offset += (int) reading.length();
    }
    assertEquals(1, goAways, () -> "GoAways written: " + ByteBufUtil.hexDump(written));
    assertEquals(YamuxFrame.TYPE_GO_AWAY, written.getUnsignedByte(last + 1), "the last frame written is the GoAway");
    assertEquals(goAwayCode, written.getUnsignedInt(last + 8), "the GoAway's code");
  }
}
