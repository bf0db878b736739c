package io.jlibp2p.core.conformance;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Drives a muxer's frame decoder with a Jazzer input, for its fuzz target, and checks it against
 * the target's own reading of the spec's framing ({@link Framing}), made independently of the
 * decoder. The input's wire bytes are cut into reads of fuzzer-chosen sizes, fed one at a time to
 * the decoder on an {@link EmbeddedChannel}. After each read the decoder has passed on exactly the
 * complete frames the spec's framing finds, each re-encoding ({@link FrameEncoding}) to its bytes
 * on the wire; a header the spec rejects is a {@code rejection} with the message the framing
 * expects, thrown by the read that completes the header; after it, nothing more is decoded, and
 * closing the channel raises nothing. Every buffer comes from the execution's own allocator, whose
 * count of live bytes must be back to zero at the end.
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it: the wire bytes from the front, and from
 * the back, after whatever settings the target read, each read's size (1 to {@value #MAX_CHUNK}).
 *
 * <p>For tests; part of libp2p-core's test-jar.
 *
 * @param <F> the type of the frames the decoder passes on
 */
public final class FuzzedFrameDecoding<F> {

  /** The largest read the wire is cut into. */
  public static final int MAX_CHUNK = 4096;

  /**
   * How the spec reads the bytes at an offset of the wire: a complete frame of {@code length}
   * bytes, the start of one ({@link #INCOMPLETE}), or a header the decoder must reject, with the
   * decoder's message ({@code rejection}).
   */
  public record Reading(long length, String rejection) {

    /** The start of a frame, not yet complete. */
    public static final Reading INCOMPLETE = new Reading(0, null);

    /** A complete frame of {@code length} bytes, its header included. */
    public static Reading complete(long length) {
      return new Reading(length, null);
    }

    /** A header the decoder must reject with {@code message}. */
    public static Reading rejected(String message) {
      return new Reading(0, message);
    }

    public boolean isComplete() {
      return length > 0;
    }
  }

  /** A target's reading of its spec's framing. */
  @FunctionalInterface
  public interface Framing {
    /** How the spec reads the bytes of {@code wire} from {@code offset} to its writer index. */
    Reading read(ByteBuf wire, int offset);
  }

  /** How a decoded frame is encoded again, by the muxer's own header encoder. */
  public interface FrameEncoding<F> {
    /** The frame's payload, which the harness releases, or null for a frame without one. */
    ByteBuf payload(F frame);

    /** Writes the frame's header to {@code out}; may assert what the frame must be, besides. */
    void writeHeader(F frame, ByteBuf out);
  }

  private final Class<F> frameType;
  private final Class<? extends RuntimeException> rejection;
  private final FrameEncoding<F> encoding;

  /**
   * A harness for one decoder.
   *
   * @param frameType what the decoder passes on
   * @param rejection what the decoder throws for a header it rejects
   * @param encoding how a frame the decoder passed on is encoded again
   */
  public FuzzedFrameDecoding(Class<F> frameType, Class<? extends RuntimeException> rejection, FrameEncoding<F> encoding) {
    this.frameType = frameType;
    this.rejection = rejection;
    this.encoding = encoding;
  }

  /**
   * Runs one execution: feeds the rest of the input to {@code decoder} as the spec's {@code
   * framing} reads it, and checks every read; throws an {@link AssertionError} for a failed check.
   */
  public void run(FuzzedDataProvider data, ChannelHandler decoder, Framing framing) {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    channel.config().setAllocator(alloc);
    ByteBuf wire = alloc.heapBuffer();
    int position = 0; // where the next frame starts on the wire
    boolean rejected = false;
    while (data.remainingBytes() > 0) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, MAX_CHUNK));
      wire.writeBytes(chunk);
      ByteBuf read = alloc.heapBuffer(chunk.length).writeBytes(chunk);
      if (rejected) {
        channel.writeInbound(read);
        assertNull(channel.readInbound(), "a frame decoded after a protocol error");
        continue;
      }
      int end = position;
      Reading reading;
      while ((reading = framing.read(wire, end)).isComplete()) {
        end += (int) reading.length();
      }
      if (reading.rejection() != null) {
        RuntimeException e = assertRejects(rejection, () -> channel.writeInbound(read));
        assertEquals(reading.rejection(), e.getMessage());
        rejected = true;
      } else {
        channel.writeInbound(read);
      }
      position = takeFrames(channel, wire, position);
      assertEquals(end, position, "where the decoder stopped");
    }
    // Closing must not decode again what was left after a rejection (or a frame cut off).
    channel.finishAndReleaseAll();
    wire.release();
    assertEquals(0, alloc.metric().usedHeapMemory(), "bytes still allocated: a buffer was not released");
  }

  /**
   * Takes the frames the decoder passed on: each must be the frame at {@code position}, byte for
   * byte once re-encoded. Returns where the next one starts.
   */
  private int takeFrames(EmbeddedChannel channel, ByteBuf wire, int position) {
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      F frame = assertInstanceOf(frameType, msg);
      ByteBuf payload = encoding.payload(frame);
      ByteBuf encoded = channel.alloc().heapBuffer();
      try {
        encoding.writeHeader(frame, encoded);
        if (payload != null) {
          encoded.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        }
        int at = position;
        assertTrue(wire.writerIndex() - at >= encoded.readableBytes()
                && ByteBufUtil.equals(encoded, 0, wire, at, encoded.readableBytes()),
            () -> frame + " re-encodes to " + ByteBufUtil.hexDump(encoded) + ", not to the wire's "
                + ByteBufUtil.hexDump(wire, at, Math.min(wire.writerIndex() - at, encoded.readableBytes())));
        position += encoded.readableBytes();
      } finally {
        encoded.release();
        ReferenceCountUtil.release(payload);
      }
    }
    return position;
  }
}
