package io.jlibp2p.mplex.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.conformance.FuzzedFrameDecoding;
import io.jlibp2p.core.conformance.FuzzedFrameDecoding.Reading;
import io.jlibp2p.core.conformance.FuzzedMuxerSession;
import io.jlibp2p.core.conformance.SessionLogCapture;
import io.jlibp2p.core.muxer.StreamResetException;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.mplex.internal.MplexFrameDecoder.MplexProtocolException;
import io.jlibp2p.multiformats.InvalidVarintException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jazzer fuzz targets for mplex: {@link #frames} drives {@link MplexFrameDecoder} alone, {@link
 * #session} a whole {@link MplexStreamMuxer} session. In this package rather than a {@code fuzz}
 * one because the decoder and {@link MplexFrame} are package-private. Each checks properties, not
 * only that nothing crashed; what the harnesses in libp2p-core's test-jar check for any muxer is
 * said there, what is mplex's own here:
 *
 * <ul>
 *   <li>{@code frames} ({@link FuzzedFrameDecoding}): the frames the decoder passes on are those
 *       the spec's framing (read here with {@link UnsignedVarint}, independently of the decoder)
 *       finds, each re-encoding ({@link MplexFrame#writeHeader}) to its bytes on the wire, since
 *       the multiformats varint is minimal and so canonical; a header the spec rejects (a malformed
 *       varint, a length over 1 MiB) is an {@link MplexProtocolException} with the decoder's
 *       message; after it, nothing more is decoded.
 *   <li>{@code session} ({@link FuzzedMuxerSession}): the fuzzer chooses the session's role,
 *       limits and resource limits, whether its streams echo, and local actions between the reads.
 *       Besides the harness's checks (the session's log through {@link SessionLogCapture}; a
 *       stream's pipeline sees no exception but a {@link StreamResetException}), everything the
 *       session wrote is well-formed frames without the undefined flag 7.
 * </ul>
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it: the wire bytes from the front, and from
 * the back, in this order, the session's settings (see {@link #session}), then for each step an
 * action and its arguments, for a read the chunk's size (1 to {@value
 * FuzzedFrameDecoding#MAX_CHUNK}). A seed is written in that layout: the wire bytes, then the
 * back's values in reverse order.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/mplex/internal/MplexFuzzTestInputs/<method>/}. To fuzz one target
 * ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-mplex -Ddocs.phase=none -Dtest='MplexFuzzTest#session'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class MplexFuzzTest {

  // ---- the frame decoder ----

  private static final FuzzedFrameDecoding<MplexFrame> FRAMES =
      new FuzzedFrameDecoding<>(MplexFrame.class, MplexProtocolException.class, new FuzzedFrameDecoding.FrameEncoding<>() {
        @Override
        public ByteBuf payload(MplexFrame frame) {
          return frame.body();
        }

        @Override
        public void writeHeader(MplexFrame frame, ByteBuf out) {
          MplexFrame.writeHeader(out, frame.streamId(), frame.flag(), frame.body().readableBytes());
        }
      });

  @FuzzTest(maxDuration = "60s")
  void frames(FuzzedDataProvider data) {
    FRAMES.run(data, new MplexFrameDecoder(), MplexFuzzTest::read);
  }

  /**
   * How the spec reads the bytes at an offset of the wire: two varints, the header and the length
   * (at most {@link MplexFrame#MAX_MESSAGE_SIZE}), then that many bytes of body.
   */
  private static Reading read(ByteBuf wire, int offset) {
    ByteBuf in = wire.slice(offset, wire.writerIndex() - offset);
    long header;
    long length;
    try {
      header = UnsignedVarint.readIfComplete(in);
      length = header == UnsignedVarint.INCOMPLETE ? UnsignedVarint.INCOMPLETE : UnsignedVarint.readIfComplete(in);
    } catch (InvalidVarintException e) {
      return Reading.rejected("malformed frame header: " + e.getMessage());
    }
    if (length == UnsignedVarint.INCOMPLETE) {
      return Reading.INCOMPLETE;
    }
    if (length > MplexFrame.MAX_MESSAGE_SIZE) {
      return Reading.rejected("frame of " + length + " bytes exceeds the " + MplexFrame.MAX_MESSAGE_SIZE + "-byte maximum");
    }
    return in.readableBytes() < length ? Reading.INCOMPLETE : Reading.complete(in.readerIndex() + length);
  }

  // ---- a whole session ----

  /** The connection's memory limit, by the index the fuzzer picks: none, nothing, one chunk of reads, four. */
  private static final long[] MEMORY_LIMITS = {Long.MAX_VALUE, 0, 64 * 1024, 256 * 1024};

  @RegisterExtension
  static final SessionLogCapture SESSION_LOG = new SessionLogCapture(MplexSession.class, "mplex protocol error");

  private static final FuzzedMuxerSession SESSION =
      new FuzzedMuxerSession("mplex", MplexProtocolException.class, MEMORY_LIMITS, SESSION_LOG);

  /**
   * The settings, from the back: inbound role (boolean), echo (boolean), {@code maxStreams} (1 to
   * 8), {@code maxUnreadPerStream} (1 to 4096), the connection's unread bound as a multiple of it
   * (1 to 4), the connection's inbound and outbound stream limits (0 to 8 each) and its memory
   * limit (an index into {@link #MEMORY_LIMITS}, 0 to 3). Then the steps, as {@link
   * FuzzedMuxerSession} reads them.
   */
  @FuzzTest(maxDuration = "60s")
  void session(FuzzedDataProvider data) {
    SESSION.run(data, MplexFuzzTest::consumeMuxer, (written, role, closedBySession) -> checkWritten(written));
  }

  /** The muxer's settings, read between the echo and the connection's limits (see {@link #session}). */
  private static MplexStreamMuxer consumeMuxer(FuzzedDataProvider data) {
    int maxStreams = data.consumeInt(1, 8);
    int maxUnreadPerStream = data.consumeInt(1, 4096);
    return MplexStreamMuxer.builder()
        .maxStreams(maxStreams)
        .maxUnreadPerStream(maxUnreadPerStream)
        .maxUnreadPerConnection((long) maxUnreadPerStream * data.consumeInt(1, 4))
        .build();
  }

  /** Everything the session wrote must be complete, well-formed frames with the spec's seven flags. */
  private static void checkWritten(ByteBuf written) {
    int offset = 0;
    while (offset < written.writerIndex()) {
      Reading reading = read(written, offset);
      int at = offset;
      assertTrue(reading.isComplete(), () -> "the session wrote " + reading + " at " + at + " of "
          + ByteBufUtil.hexDump(written));
      assertTrue((written.getByte(offset) & MplexFrame.FLAG_MASK) != 7, "the session wrote the undefined flag 7");
      offset += (int) reading.length();
    }
  }
}
