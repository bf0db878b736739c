package io.jlibp2p.yamux.internal;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.muxer.StreamResetException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.internal.ConnectionResources;
import io.jlibp2p.core.resource.internal.ResourceManager;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.jlibp2p.yamux.internal.YamuxFrameDecoder.YamuxProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * Jazzer fuzz targets for yamux: {@link #frames} drives {@link YamuxFrameDecoder} alone, {@link
 * #session} a whole {@link YamuxStreamMuxer} session. In this package rather than a {@code fuzz}
 * one because the decoder and {@link YamuxFrame} are package-private.
 *
 * <p>Both cut the fuzzed wire bytes into chunks of fuzzer-chosen sizes, fed one read at a time to
 * an {@link EmbeddedChannel}, and check properties, not only that nothing crashed:
 *
 * <ul>
 *   <li>{@code frames}: after each chunk the decoder has passed on exactly the complete frames the
 *       spec's 12-byte header (read here independently of the decoder) delimits, each re-encoding
 *       ({@link YamuxFrame#writeHeader}) to its bytes on the wire, since the header has one
 *       encoding; a header the decoder must reject (a version other than 0, a type over 3, a Data
 *       length over the largest window) is a {@link YamuxProtocolException} with the decoder's
 *       message, thrown as soon as the header has arrived; after it nothing more is decoded, nor
 *       raised again when the channel closes.
 *   <li>{@code session}: the fuzzer also chooses the session's role and limits, the connection's
 *       resource limits, whether its streams echo, and local actions between the reads (open,
 *       write, close-write, reset, close, pause and resume reading, drain). Nothing reaches the
 *       channel's tail, no exception is swallowed by the session ({@link SessionLog}), a stream's
 *       pipeline sees no exception but a {@link StreamResetException}, a protocol error closes the
 *       connection after a GoAway with the protocol error code, and the connection closes only for
 *       one (closing it from this side says GoAway normally, once), every stream is closed once
 *       the connection is, everything the session wrote is well-formed frames that open streams of
 *       its own parity, and afterwards the streams' and the connection's resource scopes hold
 *       nothing.
 * </ul>
 *
 * <p>Every buffer of an execution comes from its own allocator, whose count of live bytes must be
 * back to zero at the end: a leak fails the very input that caused it, as Netty's leak detector,
 * which reports later and for no input in particular, would not. Time does not move ({@link
 * EmbeddedChannel#freezeTime()}) and keepalive is off: no timer fires, and the round trip that
 * window tuning uses is never measured, since it would be the machine's real time.
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it: the wire bytes from the front, and from
 * the back, in this order, the target's settings (see each target), then for each step an action
 * and its arguments, for a read the chunk's size (1 to {@value #MAX_CHUNK}). A seed is written in
 * that layout: the wire bytes, then the back's values in reverse order.
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

  /** The largest read the wire is cut into. */
  static final int MAX_CHUNK = 4096;

  /** The session's default largest window, and so the decoder's bound on Data frames. */
  static final long DEFAULT_MAX_WINDOW = 16L << 20;

  private static final PeerId PEER = PeerId.fromString("12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv");
  private static final Multiaddr REMOTE = Multiaddr.fromString("/ip4/10.0.0.1/tcp/4001");

  private static final Logger SESSION_LOGGER = (Logger) LoggerFactory.getLogger(YamuxSession.class);
  private static final SessionLog SESSION_LOG = new SessionLog();

  @BeforeAll
  static void captureTheSessionLog() {
    SESSION_LOG.setContext(SESSION_LOGGER.getLoggerContext());
    SESSION_LOG.start();
    SESSION_LOGGER.addAppender(SESSION_LOG);
    SESSION_LOGGER.setLevel(Level.DEBUG);
    SESSION_LOGGER.setAdditive(false);
  }

  @AfterAll
  static void releaseTheSessionLog() {
    SESSION_LOGGER.detachAppender(SESSION_LOG);
    SESSION_LOGGER.setLevel(null);
    SESSION_LOGGER.setAdditive(true);
    SESSION_LOG.stop();
  }

  // ---- the frame decoder ----

  /**
   * The settings, from the back: whether the bound on Data frames is the session's default (a
   * boolean), and if not, the bound (0 to 8192).
   */
  @FuzzTest(maxDuration = "60s")
  void frames(FuzzedDataProvider data) {
    long maxData = data.consumeBoolean() ? DEFAULT_MAX_WINDOW : data.consumeInt(0, 2 * MAX_CHUNK);
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    EmbeddedChannel channel = new EmbeddedChannel(new YamuxFrameDecoder(maxData));
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
      while ((reading = Reading.of(wire, end, maxData)).isComplete()) {
        end += reading.length();
      }
      if (reading.rejection() != null) {
        YamuxProtocolException e = assertRejects(YamuxProtocolException.class, () -> channel.writeInbound(read));
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
  private static int takeFrames(EmbeddedChannel channel, ByteBuf wire, int position) {
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      YamuxFrame frame = assertInstanceOf(YamuxFrame.class, msg);
      ByteBuf payload = frame.data();
      ByteBuf encoded = channel.alloc().heapBuffer(YamuxFrame.HEADER_LENGTH + (payload == null ? 0 : payload.readableBytes()));
      try {
        assertEquals(frame.type() == YamuxFrame.TYPE_DATA, payload != null, "only a Data frame has a payload");
        YamuxFrame.writeHeader(encoded, frame.type(), frame.flags(), frame.streamId(), frame.length());
        if (payload != null) {
          assertEquals(frame.length(), payload.readableBytes(), "a Data frame's payload is its length");
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

  /**
   * How the spec reads the bytes at an offset of the wire: a complete frame of {@code length}
   * bytes, the start of one ({@link #INCOMPLETE}), or a header the decoder must reject, with the
   * decoder's message ({@code rejection}).
   */
  private record Reading(long length, String rejection) {

    static final Reading INCOMPLETE = new Reading(0, null);

    boolean isComplete() {
      return length > 0;
    }

    static Reading of(ByteBuf wire, int offset, long maxData) {
      int available = wire.writerIndex() - offset;
      if (available < YamuxFrame.HEADER_LENGTH) {
        return INCOMPLETE;
      }
      int version = wire.getUnsignedByte(offset);
      int type = wire.getUnsignedByte(offset + 1);
      long length = wire.getUnsignedInt(offset + 8);
      if (version != YamuxFrame.VERSION) {
        return new Reading(0, "unsupported yamux version " + version);
      }
      if (type > YamuxFrame.TYPE_GO_AWAY) {
        return new Reading(0, "unknown yamux frame type " + type);
      }
      if (type != YamuxFrame.TYPE_DATA) {
        return new Reading(YamuxFrame.HEADER_LENGTH, null);
      }
      if (length > maxData) {
        return new Reading(0, "Data frame of " + length + " bytes exceeds any receive window (" + maxData + ")");
      }
      return available - YamuxFrame.HEADER_LENGTH < length ? INCOMPLETE : new Reading(YamuxFrame.HEADER_LENGTH + length, null);
    }
  }

  // ---- a whole session ----

  /** The local actions a step may take instead of a read; any other action value is a read. */
  static final int OPEN = 9;
  static final int WRITE = 10;
  static final int CLOSE_WRITE = 11;
  static final int RESET = 12;
  static final int CLOSE = 13;
  static final int PAUSE_OR_RESUME_READING = 14;
  static final int READ_ONCE = 15;
  static final int DRAIN = 16;

  /** The connection's memory limit, by the index the fuzzer picks: none, nothing, one window, four. */
  private static final long[] MEMORY_LIMITS = {Long.MAX_VALUE, 0, YamuxSession.INITIAL_WINDOW, 4 * YamuxSession.INITIAL_WINDOW};

  /**
   * The settings, from the back: inbound role (boolean), echo (boolean), {@code maxStreams} (1 to
   * 8), the connection's inbound and outbound stream limits (0 to 8 each) and its memory limit (an
   * index into {@link #MEMORY_LIMITS}, 0 to 3). Then each step: an action (0 to 16; see {@link
   * #OPEN} and after, anything below is a read), then a read's size (1 to {@value #MAX_CHUNK}), or
   * for an action on a stream the stream's index (0 to 255, modulo the streams so far, in the order
   * they opened) and for a write its size (1 to 1024).
   */
  @FuzzTest(maxDuration = "60s")
  void session(FuzzedDataProvider data) {
    Direction role = data.consumeBoolean() ? Direction.INBOUND : Direction.OUTBOUND;
    boolean echo = data.consumeBoolean();
    YamuxStreamMuxer muxer = YamuxStreamMuxer.builder().keepAlive(Duration.ZERO).maxStreams(data.consumeInt(1, 8)).build();
    ScopeLimit connectionLimit = ScopeLimit.UNLIMITED
        .withStreams(data.consumeInt(0, 8), data.consumeInt(0, 8))
        .withMemory(MEMORY_LIMITS[data.consumeInt(0, MEMORY_LIMITS.length - 1)]);
    ResourceManager resources =
        new ResourceManager(ResourceLimits.unlimited().toBuilder().connection(connectionLimit).build(), (peer, e) -> {});
    ConnectionResources connection = resources.openConnection(role, REMOTE);
    connection.setPeer(PEER);

    SESSION_LOG.clear();
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    List<Stream> streams = new ArrayList<>();
    Application application = new Application(echo);
    StreamMuxer.Session session = muxer.newSession(new MuxerParameters(role, stream -> {
      streams.add(stream);
      stream.pipeline().addLast(application);
    }, connection));
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.config().setAllocator(alloc);
    channel.pipeline().addLast(session.handler());
    DecoderErrors decoderErrors = new DecoderErrors();
    channel.pipeline().addBefore("yamux", "fuzz-decoder-errors", decoderErrors);

    ByteBuf written = alloc.heapBuffer();
    while (data.remainingBytes() > 0 && channel.isOpen()) {
      int action = data.consumeInt(0, DRAIN);
      if (action < OPEN) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, MAX_CHUNK));
        channel.writeInbound(alloc.heapBuffer(chunk.length).writeBytes(chunk));
      } else if (action == OPEN) {
        session.openStream(application).thenAccept(streams::add);
      } else if (action == DRAIN) {
        session.drain();
      } else if (!streams.isEmpty()) {
        Stream stream = streams.get(data.consumeInt(0, 255) % streams.size());
        switch (action) {
          case WRITE -> {
            int size = data.consumeInt(1, 1024);
            stream.writeAndFlush(alloc.heapBuffer(size).writeZero(size));
          }
          case CLOSE_WRITE -> stream.closeWrite();
          case RESET -> stream.reset();
          case CLOSE -> stream.close();
          case PAUSE_OR_RESUME_READING -> stream.config().setAutoRead(!stream.config().isAutoRead());
          default -> stream.read();
        }
      }
      channel.runPendingTasks();
      checkStep(channel, streams, application, decoderErrors, session);
      drainOutbound(channel, written);
    }
    boolean closedBySession = !channel.isOpen();
    channel.close();
    channel.runPendingTasks();
    checkStep(channel, streams, application, decoderErrors, session);
    // The session closes the connection for a protocol error only, and reports it once.
    assertEquals(closedBySession ? 1 : 0, SESSION_LOG.protocolErrors(),
        () -> "closed by the session: " + closedBySession + ", and it logged " + SESSION_LOG.events);
    drainOutbound(channel, written);
    checkWritten(written, role, closedBySession ? YamuxFrame.GO_AWAY_PROTOCOL_ERROR : YamuxFrame.GO_AWAY_NORMAL);

    ScopeUsage held = connection.usage();
    assertEquals(0, held.streams(), () -> "streams still counted after the connection closed: " + held);
    assertEquals(0, held.memory(), () -> "memory still reserved after the connection closed: " + held);
    connection.close();
    assertEquals(ScopeUsage.NONE, resources.system(), "the system scope after the connection's release");
    assertTrue(resources.peers().isEmpty(), () -> "peer scopes left: " + resources.peers());

    assertFalse(channel.finishAndReleaseAll(), "the session passed something on");
    written.release();
    assertEquals(0, alloc.metric().usedHeapMemory(), "bytes still allocated: a buffer was not released");
  }

  /** What must hold after each step. */
  private static void checkStep(EmbeddedChannel channel, List<Stream> streams, Application application,
      DecoderErrors decoderErrors, StreamMuxer.Session session) {
    channel.checkException();
    SESSION_LOG.assertNoFailure();
    application.assertNoUnexpectedException();
    if (decoderErrors.count > 0 || SESSION_LOG.protocolErrors() > 0) {
      assertFalse(channel.isOpen(), () -> "still open after a protocol error: " + SESSION_LOG.events);
    }
    if (!channel.isOpen()) {
      for (Stream stream : streams) {
        assertFalse(stream.isOpen(), () -> stream + " still open after its connection closed");
      }
      assertEquals(0, session.openStreams(), "streams the session counts after its connection closed");
    }
  }

  /** Moves what the session wrote to {@code written}. */
  private static void drainOutbound(EmbeddedChannel channel, ByteBuf written) {
    Object msg;
    while ((msg = channel.readOutbound()) != null) {
      ByteBuf buf = assertInstanceOf(ByteBuf.class, msg);
      written.writeBytes(buf);
      buf.release();
    }
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
      Reading reading = Reading.of(written, offset, 0xffffffffL);
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

  /**
   * Ends every stream's pipeline, as a protocol would: reads and releases what arrives, or echoes
   * it; at EOF, closes (or, echoing, closes its own writing). Records every exception but a
   * {@link StreamResetException} with a message, which is how a stream ends abruptly.
   */
  @ChannelHandler.Sharable
  private static final class Application extends ChannelInboundHandlerAdapter {
    private final boolean echo;
    private final List<Throwable> unexpected = new ArrayList<>();

    Application(boolean echo) {
      this.echo = echo;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (echo) {
        ctx.writeAndFlush(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
        if (echo) {
          ((Stream) ctx.channel()).closeWrite();
        } else {
          ctx.close();
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof StreamResetException) || cause.getMessage() == null || cause.getMessage().isBlank()) {
        unexpected.add(cause);
      }
    }

    void assertNoUnexpectedException() {
      if (!unexpected.isEmpty()) {
        throw new AssertionError("a stream's pipeline saw " + unexpected.get(0), unexpected.get(0));
      }
    }
  }

  /** Counts the decoder's protocol errors on their way to the session, which must close the connection. */
  private static final class DecoderErrors extends ChannelInboundHandlerAdapter {
    int count;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof YamuxProtocolException) {
        count++;
      }
      ctx.fireExceptionCaught(cause);
    }
  }

  /**
   * Keeps what {@link YamuxSession} logs instead of printing it. The session handles every failure
   * itself and closes the connection, so the log is where an exception it did not expect (a bug:
   * logged with its throwable) shows, and where a protocol error is told apart from other closes.
   */
  private static final class SessionLog extends AppenderBase<ILoggingEvent> {
    private final List<ILoggingEvent> events = new ArrayList<>();
    private int protocolErrors;

    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
      if (event.getMessage().startsWith("yamux protocol error")) {
        protocolErrors++;
      }
    }

    void clear() {
      events.clear();
      protocolErrors = 0;
    }

    int protocolErrors() {
      return protocolErrors;
    }

    void assertNoFailure() {
      for (ILoggingEvent event : events) {
        if (event.getThrowableProxy() instanceof ThrowableProxy proxy) {
          throw new AssertionError("the session logged " + event.getFormattedMessage(), proxy.getThrowable());
        }
      }
    }
  }
}
