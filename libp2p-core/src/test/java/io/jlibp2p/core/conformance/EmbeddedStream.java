package io.jlibp2p.core.conformance;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.AbstractStreamChannel;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.resource.StreamScope;
import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;

/**
 * A {@link Stream} without a muxer, for tests of a protocol's handlers: the test plays the muxer
 * and the remote. It hands the stream what the remote sends ({@link #onData}), its end of writing
 * ({@link #onRemoteClose}) or its reset ({@link #onReset}), and reads back what the stream sent
 * ({@link #pollSent}) and whether it ended its writing ({@link #isWriteClosed}) or reset ({@link
 * #wasReset}).
 *
 * <p>The stream sends only as many bytes as its window allows, which the test opens with {@link
 * #grant}: what a handler writes beyond it waits in the stream's outbound buffer, reserved from
 * the stream's scope, and the stream turns unwritable past Netty's high water mark, as a stream
 * whose remote does not read.
 *
 * <pre>{@code
 * EmbeddedStream stream = EmbeddedStream.open(StreamScope.UNLIMITED, Long.MAX_VALUE);
 * stream.pipeline().addLast(handler);
 * stream.onData(Unpooled.wrappedBuffer(request));
 * stream.onRemoteClose();
 * stream.runPendingTasks();
 * byte[] reply = stream.drainSent();
 * stream.finish();
 * }</pre>
 *
 * <p>It runs on an {@link EmbeddedChannel}'s event loop, with the time frozen: {@link
 * #runPendingTasks()} runs what the stream deferred (a read, a close), and {@link #embeddedParent()}'s
 * {@code advanceTimeBy} moves the time on. For tests; part of libp2p-core's test-jar.
 */
public final class EmbeddedStream extends AbstractStreamChannel {

  /** The most bytes handed over per data frame, as a muxer's frame size. */
  private static final int MAX_DATA_PER_WRITE = 16 * 1024;

  private final EmbeddedChannel connection;
  private final ArrayDeque<ByteBuf> sent = new ArrayDeque<>();
  private long window;
  private boolean writeClosed;
  private boolean resetSent;

  private EmbeddedStream(EmbeddedChannel connection, Direction direction, StreamScope scope, long window) {
    super(connection, direction, scope);
    this.connection = connection;
    this.window = window;
  }

  /**
   * A stream the remote opened, counted in {@code scope}, that may send {@code window} bytes until
   * the test {@linkplain #grant grants} more; registered and active, its time frozen.
   */
  public static EmbeddedStream open(StreamScope scope, long window) {
    EmbeddedChannel connection = new EmbeddedChannel();
    connection.freezeTime();
    EmbeddedStream stream = new EmbeddedStream(connection, Direction.INBOUND, scope, window);
    connection.eventLoop().register(stream);
    stream.runPendingTasks();
    return stream;
  }

  /** The channel under the stream, whose event loop the stream runs on. */
  public EmbeddedChannel embeddedParent() {
    return connection;
  }

  /** Runs the tasks the stream and its handlers left on the event loop. */
  public void runPendingTasks() {
    connection.runPendingTasks();
  }

  /** Lets the stream send {@code bytes} more, and runs what that lets it do. */
  public void grant(long bytes) {
    window += bytes;
    resumeWrites();
    runPendingTasks();
  }

  /** The next data the stream sent, for the caller to release; {@code null} if none is left. */
  public ByteBuf pollSent() {
    return sent.poll();
  }

  /** Everything the stream sent since the last look, concatenated; the buffers are released. */
  public byte[] drainSent() {
    return ByteBufs.drain(this::pollSent);
  }

  /** Whether the stream sent the end of its writing. */
  public boolean isWriteClosed() {
    return writeClosed;
  }

  /** Whether the stream sent a reset. */
  public boolean wasReset() {
    return resetSent;
  }

  /**
   * Ends the test's use of the stream: resets it if it is still open, releases what it sent, and
   * finishes the channel under it.
   *
   * @return whether the channel under it had buffers left to release
   */
  public boolean finish() {
    if (isOpen()) {
      reset();
    }
    runPendingTasks();
    ByteBuf data;
    while ((data = sent.poll()) != null) {
      data.release();
    }
    return connection.finishAndReleaseAll();
  }

  @Override
  protected void writeData(ByteBuf data) {
    window -= data.readableBytes();
    sent.add(data);
  }

  @Override
  protected void writeCloseFrame() {
    writeClosed = true;
  }

  @Override
  protected void writeResetFrame() {
    resetSent = true;
  }

  @Override
  protected boolean canWriteData() {
    return window > 0;
  }

  @Override
  protected int maxDataPerWrite() {
    return (int) Math.min(window, MAX_DATA_PER_WRITE);
  }

  @Override
  protected void onBytesRead(int bytes) {}

  @Override
  protected void onStreamClosed(boolean fullyDone) {}

  @Override
  public String toString() {
    return "EmbeddedStream(" + direction() + ")";
  }
}
