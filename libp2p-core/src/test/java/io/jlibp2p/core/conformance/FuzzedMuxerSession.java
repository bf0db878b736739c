package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
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
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a whole {@link StreamMuxer.Session} with a Jazzer input, for a muxer's fuzz target, and
 * checks what any muxer must hold whatever the remote sends: nothing reaches the channel's tail, no
 * exception is swallowed by the session ({@link SessionLogCapture}), a stream's pipeline sees no
 * exception but a {@link StreamResetException} with a message, a protocol error closes the
 * connection (and the connection closes only for one, which the session logs once), every stream is
 * closed once the connection is, and afterwards the streams' and the connection's resource scopes
 * hold nothing. What the session wrote is left to the target to check ({@link WrittenCheck}), as it
 * is the muxer's own wire format.
 *
 * <p>The session runs on an {@link EmbeddedChannel} whose time does not move ({@link
 * EmbeddedChannel#freezeTime()}): no timer fires. Every buffer of an execution comes from its own
 * allocator, whose count of live bytes must be back to zero at the end: a leak fails the very input
 * that caused it, as Netty's leak detector, which reports later and for no input in particular,
 * would not. The connection's scope comes from a real {@link ResourceManager}.
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it from the back, in this order: the role
 * (a boolean, true for inbound), whether the streams echo (a boolean), the muxer's own settings
 * ({@link MuxerSettings}), the connection's inbound and outbound stream limits (0 to 8 each) and
 * its memory limit (an index into the target's memory limits). Then each step, until the input is
 * used up or the connection closed: an action (0 to {@value #DRAIN}; see {@link #OPEN} and after,
 * anything below is a read), then a read's size (1 to {@value #MAX_CHUNK}), or for an action on a
 * stream the stream's index (0 to 255, modulo the streams so far, in the order they opened) and for
 * a write its size (1 to 1024). The wire bytes come from the front.
 *
 * <p>For tests; part of libp2p-core's test-jar.
 */
public final class FuzzedMuxerSession {

  /** The largest read the wire is cut into, as for a frame decoder alone. */
  public static final int MAX_CHUNK = FuzzedFrameDecoding.MAX_CHUNK;

  /** The local actions a step may take instead of a read; any action value below this one is a read. */
  public static final int OPEN = 9;
  public static final int WRITE = 10;
  public static final int CLOSE_WRITE = 11;
  public static final int RESET = 12;
  public static final int CLOSE = 13;
  public static final int PAUSE_OR_RESUME_READING = 14;
  public static final int READ_ONCE = 15;
  public static final int DRAIN = 16;

  private static final PeerId PEER = PeerId.fromString("12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv");
  private static final Multiaddr REMOTE = Multiaddr.fromString("/ip4/10.0.0.1/tcp/4001");

  /** Reads a muxer's own settings from the input, after the role and echo, and builds the muxer. */
  @FunctionalInterface
  public interface MuxerSettings {
    StreamMuxer consume(FuzzedDataProvider data);
  }

  /**
   * Checks everything the session wrote, once its connection has closed: {@code closedBySession}
   * says whether the session closed it (for a protocol error) before the input ran out.
   */
  @FunctionalInterface
  public interface WrittenCheck {
    void check(ByteBuf written, Direction role, boolean closedBySession);
  }

  private final String sessionHandlerName;
  private final Class<? extends Throwable> protocolException;
  private final long[] memoryLimits;
  private final SessionLogCapture log;

  /**
   * A harness for one muxer.
   *
   * @param sessionHandlerName the name of the session's handler in the connection's pipeline, behind
   *     its frame decoder
   * @param protocolException what the muxer's frame decoder throws for a frame it rejects
   * @param memoryLimits the connection's memory limits the input picks from by index
   * @param log the capture of the session's log, registered on the target's class
   */
  public FuzzedMuxerSession(String sessionHandlerName, Class<? extends Throwable> protocolException,
      long[] memoryLimits, SessionLogCapture log) {
    this.sessionHandlerName = sessionHandlerName;
    this.protocolException = protocolException;
    this.memoryLimits = memoryLimits.clone();
    this.log = log;
  }

  /** Runs one execution: the session, its steps, and every check; throws an {@link AssertionError} for a failed one. */
  public void run(FuzzedDataProvider data, MuxerSettings muxerSettings, WrittenCheck writtenCheck) {
    Direction role = data.consumeBoolean() ? Direction.INBOUND : Direction.OUTBOUND;
    boolean echo = data.consumeBoolean();
    StreamMuxer muxer = muxerSettings.consume(data);
    ScopeLimit connectionLimit = ScopeLimit.UNLIMITED
        .withStreams(data.consumeInt(0, 8), data.consumeInt(0, 8))
        .withMemory(memoryLimits[data.consumeInt(0, memoryLimits.length - 1)]);
    ResourceManager resources =
        new ResourceManager(ResourceLimits.unlimited().toBuilder().connection(connectionLimit).build(), (peer, e) -> {});
    ConnectionResources connection = resources.openConnection(role, REMOTE);
    connection.setPeer(PEER);

    log.clear();
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
    DecoderErrors decoderErrors = new DecoderErrors(protocolException);
    channel.pipeline().addBefore(sessionHandlerName, "fuzz-decoder-errors", decoderErrors);

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
    assertEquals(closedBySession ? 1 : 0, log.protocolErrors(),
        () -> "closed by the session: " + closedBySession + ", and it logged " + log.events());
    drainOutbound(channel, written);
    writtenCheck.check(written, role, closedBySession);

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
  private void checkStep(EmbeddedChannel channel, List<Stream> streams, Application application,
      DecoderErrors decoderErrors, StreamMuxer.Session session) {
    channel.checkException();
    log.assertNoFailure();
    application.assertNoUnexpectedException();
    if (decoderErrors.count > 0 || log.protocolErrors() > 0) {
      assertFalse(channel.isOpen(), () -> "still open after a protocol error: " + log.events());
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
    private final Class<? extends Throwable> protocolException;
    int count;

    DecoderErrors(Class<? extends Throwable> protocolException) {
      this.protocolException = protocolException;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (protocolException.isInstance(cause)) {
        count++;
      }
      ctx.fireExceptionCaught(cause);
    }
  }
}
