package io.jlibp2p.core.blocking.internal;

import io.jlibp2p.core.blocking.StreamResetIOException;
import io.jlibp2p.core.host.internal.EventLoopGuardedFuture;
import io.jlibp2p.core.muxer.FatalErrors;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamResetException;
import io.jlibp2p.core.resource.ChunkedReservation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a stream's event loop and the thread that reads and writes it blocking meet: the last
 * handler of the stream's pipeline, holding what arrived until that thread reads it, and letting
 * that thread write only while the stream is writable.
 *
 * <p>Reading: the bridge keeps at most about {@value #PAUSE_READING_AT} bytes that the application
 * has not read. Past that it turns the stream's {@code autoRead} off, so the stream keeps the rest
 * and the muxer gives the remote no more credit; once the reader has brought it under {@value
 * #RESUME_READING_BELOW} bytes it turns {@code autoRead} back on. What the bridge keeps is reserved
 * from the stream's resource scope first; a scope without room resets the stream.
 *
 * <p>Writing: a write under {@value #LEND_AT_LEAST} bytes (or any write under a write timeout) is
 * copied in chunks of at most {@value #WRITE_CHUNK} bytes, each waiting until the stream is
 * writable, so the stream's outbound buffer holds at most one chunk beyond its high water mark. A
 * larger write lends its array, at most {@value #LEND_CHUNK} bytes at a time, and waits until the
 * stream has let go of each piece. Everything is flushed: a writer that forgets {@code flush()}
 * loses nothing and never waits on a buffer that only a flush would drain.
 *
 * <p>Threads: the Netty side runs on the stream's event loop, the blocking side on one reading and
 * one writing application thread, never a Netty one. Both take {@link #lock}, which is never held
 * across a wait or a call into Netty, so the event loop waits for it at most one bounded copy's
 * time.
 *
 * <p>Reference counting: the buffers read and not yet consumed belong to the bridge; when the
 * stream closes, what is left is copied to the heap (the reader may still want it, the end of the
 * remote's writing having been seen) or released.
 */
public final class StreamBridge extends ChannelDuplexHandler {

  /** Unread bytes past which the bridge stops asking the stream for more. */
  static final int PAUSE_READING_AT = 256 * 1024;

  /** Unread bytes under which the bridge asks the stream for more again. */
  static final int RESUME_READING_BELOW = 128 * 1024;

  /** The most one read copies while holding {@link #lock}, which bounds how long an event loop can wait for it. */
  static final int MAX_COPY_UNDER_LOCK = 64 * 1024;

  /** The most one write copies and hands to the stream at once. */
  static final int WRITE_CHUNK = 64 * 1024;

  /** Writes of at least this many bytes lend their array to the stream instead of copying it. */
  static final int LEND_AT_LEAST = 64 * 1024;

  /** The most of a lent array that the stream holds at once. */
  static final int LEND_CHUNK = 1024 * 1024;

  private static final long RESERVATION_CHUNK = 64 * 1024;

  private final Stream stream;
  private final ChunkedReservation reservation;
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled on every change a blocked reader or writer waits for. */
  private final Condition changed = lock.newCondition();
  /** Held by a writer for the whole of one write, so that the chunks of two writes never interleave. */
  private final ReentrantLock writing = new ReentrantLock();
  private final ChannelFutureListener onWriteDone = this::writeDone;

  // Guarded by lock.
  private final ArrayDeque<ByteBuf> unread = new ArrayDeque<>();
  private long unreadBytes;
  private boolean remoteEnded;
  private IOException readFailure;
  private IOException writeFailure;
  private boolean inactive;
  private boolean paused;
  private boolean resumeScheduled;
  private boolean closedHere;
  private boolean writeClosedHere;
  /** closeWrite() was called and its end of writing is not sent yet (a write was under way). */
  private boolean closeWritePending;
  /** A write that began before any closeWrite() is in progress: a closeWrite() now waits for it to end. */
  private volatile boolean writeUnderWay;

  // Written by the application's threads, read there too: no lock needed.
  private volatile long readTimeoutNanos;
  private volatile long writeTimeoutNanos;

  public StreamBridge(Stream stream) {
    this.stream = stream;
    this.reservation = new ChunkedReservation(stream.scope(), RESERVATION_CHUNK);
  }

  public Stream stream() {
    return stream;
  }

  // ---- the event loop's side ----

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // A stream handed out unread has autoRead off and holds its first bytes until it reads.
    ctx.channel().config().setAutoRead(true);
    noticeIfClosed();
  }

  /**
   * Takes note of a stream that closed before the bridge could hear of it: one attached late, or
   * from another thread while the close was under way.
   */
  public void noticeIfClosed() {
    if (!stream.isOpen()) {
      changeAndSignal(() -> inactive = true);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf data)) {
      ctx.fireChannelRead(msg);
      return;
    }
    int bytes = data.readableBytes();
    if (bytes == 0) {
      data.release();
      return;
    }
    long before;
    lockBriefly();
    try {
      before = unreadBytes;
    } finally {
      lock.unlock();
    }
    if (!reservation.cover(before + bytes)) {
      data.release();
      fail(new IOException("stream " + stream.id() + " reset: its resource scope has no room for the "
          + (before + bytes) + " bytes received and not yet read"), true);
      stream.reset();
      return;
    }
    boolean pause = false;
    lockBriefly();
    try {
      unread.add(data);
      unreadBytes += bytes;
      if (unreadBytes >= PAUSE_READING_AT && !paused) {
        paused = true;
        pause = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (pause) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // The end of a batch means nothing to a reader that takes bytes as they come.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      changeAndSignal(() -> remoteEnded = true);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    changeAndSignal(() -> { });
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (FatalErrors.isFatal(cause)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    // The application hears of it from its next read or write; the stream closes with it.
    fail(asIOException("stream " + stream.id() + " failed", cause), true);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    changeAndSignal(() -> inactive = true);
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    lockBriefly();
    try {
      inactive = true;
      // Nothing the remote wrote before its end is lost: the reader gets it from the heap.
      boolean keep = remoteEnded && readFailure == null && !closedHere;
      ArrayDeque<ByteBuf> kept = new ArrayDeque<>();
      while (!unread.isEmpty()) {
        ByteBuf data = unread.poll();
        if (keep) {
          byte[] copy = new byte[data.readableBytes()];
          data.readBytes(copy);
          kept.add(Unpooled.wrappedBuffer(copy));
        }
        data.release();
      }
      unread.addAll(kept);
      if (!keep) {
        unreadBytes = 0;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Asks for more once the reader has made room; on the event loop. */
  private void resumeReading() {
    boolean resume = false;
    long left;
    lockBriefly();
    try {
      resumeScheduled = false;
      left = unreadBytes;
      if (paused && unreadBytes < RESUME_READING_BELOW && !inactive) {
        paused = false;
        resume = true;
      }
    } finally {
      lock.unlock();
    }
    reservation.shrinkTo(left);
    if (resume) {
      stream.config().setAutoRead(true);
    }
  }

  private void writeDone(ChannelFuture future) {
    if (!future.isSuccess()) {
      changeAndSignal(() -> {
        if (writeFailure == null) {
          writeFailure = writeFailed(future.cause());
        }
      });
    }
  }

  private void fail(IOException failure, boolean forWriting) {
    changeAndSignal(() -> {
      if (readFailure == null) {
        readFailure = failure;
      }
      if (forWriting && writeFailure == null) {
        writeFailure = failure;
      }
    });
  }

  /**
   * Takes {@link #lock}: the one place it is taken, so that a test's BlockHound can allow exactly
   * this. An event loop may wait here, but only while an application thread does bounded work under
   * the lock (moves a buffer, or copies at most {@value #MAX_COPY_UNDER_LOCK} bytes); nobody holds
   * it across a wait or a call into Netty.
   */
  private void lockBriefly() {
    lock.lock();
  }

  private IOException writeFailed(Throwable cause) {
    return asIOException("a write to stream " + stream.id() + " failed", cause);
  }

  /** {@code cause} as the application sees it: a reset as {@link StreamResetIOException}. */
  private static IOException asIOException(String what, Throwable cause) {
    return cause instanceof StreamResetException
        ? new StreamResetIOException(cause.getMessage(), cause)
        : new IOException(what + ": " + cause.getMessage(), cause);
  }

  /** Makes {@code change} under {@link #lock} and wakes whoever waits for one. */
  private void changeAndSignal(Runnable change) {
    lockBriefly();
    try {
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- the application's side ----

  /** Blocks until at least one byte, the end, or a failure; returns the bytes read, or -1 at the end. */
  public int read(byte[] into, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, into.length);
    refuseOnNettyThread("read");
    if (length == 0) {
      return 0;
    }
    long timeout = readTimeoutNanos;
    long deadline = timeout > 0 ? System.nanoTime() + timeout : 0;
    lockBriefly();
    try {
      while (true) {
        if (readFailure != null) {
          throw readFailure;
        }
        ByteBuf head = unread.peek();
        if (head != null) {
          int bytes = Math.min(Math.min(length, MAX_COPY_UNDER_LOCK), head.readableBytes());
          head.readBytes(into, offset, bytes);
          if (!head.isReadable()) {
            unread.poll().release();
          }
          consumed(bytes);
          return bytes;
        }
        if (remoteEnded) {
          return -1;
        }
        if (closedHere) {
          throw new IOException("stream " + stream.id() + " is closed");
        }
        if (inactive) {
          throw new IOException("stream " + stream.id() + " closed before the remote ended its writing");
        }
        await(deadline, "read");
      }
    } finally {
      lock.unlock();
    }
  }

  /** The bytes that can be read without blocking. */
  public int available() {
    lockBriefly();
    try {
      return (int) Math.min(Integer.MAX_VALUE, unreadBytes);
    } finally {
      lock.unlock();
    }
  }

  /** Under {@link #lock}: {@code bytes} were read; asks for more once there is room. */
  private void consumed(int bytes) {
    unreadBytes -= bytes;
    if (paused && !resumeScheduled && unreadBytes < RESUME_READING_BELOW && !inactive) {
      resumeScheduled = true;
      stream.eventLoop().execute(this::resumeReading);
    }
  }

  /**
   * Blocks while the stream is not writable, then writes {@code length} bytes. A small write, or
   * any write under a write timeout, is copied chunk by chunk and returns once its last chunk is
   * handed to the stream. A large one lends the array itself, a piece at a time, and returns once
   * the stream has let go of it (the muxer has framed it and the layer below has encrypted or
   * copied it): one copy fewer, which is most of the cost of moving large messages.
   */
  public void write(byte[] from, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, from.length);
    refuseOnNettyThread("write");
    long timeout = writeTimeoutNanos;
    writing.lock();
    try {
      beginWrite();
      if (length >= LEND_AT_LEAST && timeout == 0) {
        lend(from, offset, length);
        return;
      }
      while (length > 0) {
        awaitWritable(timeout > 0 ? System.nanoTime() + timeout : 0);
        int bytes = Math.min(length, WRITE_CHUNK);
        ByteBuf chunk = stream.alloc().buffer(bytes);
        chunk.writeBytes(from, offset, bytes);
        stream.writeAndFlush(chunk).addListener(onWriteDone);
        offset += bytes;
        length -= bytes;
      }
    } finally {
      writeUnderWay = false;   // guarded by writing, read under both locks
      sendPendingCloseWrite();
      writing.unlock();
    }
  }

  /** Holding {@link #writing}: fails a write begun after closeWrite(), else marks it under way. */
  private void beginWrite() throws IOException {
    lockBriefly();
    try {
      if (writeClosedHere || closedHere) {
        throw new IOException("stream " + stream.id() + " is closed for writing");
      }
      writeUnderWay = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes {@code from} without copying it, piece by piece, each piece waiting until the stream has
   * released it. Interrupted meanwhile, it resets the stream, which is how it gets the array back
   * at once (as an interruptible channel closes), and throws.
   */
  private void lend(byte[] from, int offset, int length) throws IOException {
    while (length > 0) {
      awaitWritable(0);
      int bytes = Math.min(length, LEND_CHUNK);
      LentArray lent = new LentArray(from, offset, bytes);
      // Read-only: no handler may write into the application's array, even outside the piece.
      ChannelFuture written = stream.writeAndFlush(lent.asReadOnly());
      written.addListener(onWriteDone);
      written.addListener(done -> changeAndSignal(() -> { }));
      awaitReturned(lent, written);
      if (!written.isSuccess()) {
        // Netty frees a failed write before it fails the promise: the failure is known only now.
        throw writeFailed(written.cause());
      }
      offset += bytes;
      length -= bytes;
    }
  }

  /** Waits until Netty has let go of {@code lent} and the write's outcome is known. */
  private void awaitReturned(LentArray lent, ChannelFuture written) throws IOException {
    lockBriefly();
    try {
      while (!lent.returned || !written.isDone()) {
        try {
          changed.await();
        } catch (InterruptedException e) {
          lock.unlock();
          try {
            if (resetForInterrupt()) {
              lent.awaitReturnedUninterruptibly();
            }
          } finally {
            lockBriefly();
          }
          Thread.currentThread().interrupt();
          InterruptedIOException interrupted = new InterruptedIOException(
              "interrupted while writing to stream " + stream.id() + "; the stream was reset");
          interrupted.initCause(e);
          throw interrupted;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Resets the stream to get a lent array back; false if its event loop is gone, and the array with it. */
  private boolean resetForInterrupt() {
    try {
      reset();
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /**
   * The application's array, lent to Netty for one write: Netty frees it once every slice of it
   * has been written or dropped, which is when the writer may have it back.
   */
  private final class LentArray extends UnpooledHeapByteBuf {
    // Guarded by lock.
    private boolean returned;

    LentArray(byte[] array, int offset, int length) {
      super(UnpooledByteBufAllocator.DEFAULT, array, array.length);
      setIndex(offset, offset + length);
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      changeAndSignal(() -> returned = true);
    }

    /** After a reset, which frees it soon: waits for that without letting an interrupt end the wait. */
    void awaitReturnedUninterruptibly() {
      lockBriefly();
      try {
        while (!returned) {
          changed.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private void awaitWritable(long deadline) throws IOException {
    lockBriefly();
    try {
      while (true) {
        if (writeFailure != null) {
          throw writeFailure;
        }
        // A closeWrite() during this write ends the writing after it; a write begun after one fails.
        if (closedHere || (writeClosedHere && !writeUnderWay)) {
          throw new IOException("stream " + stream.id() + " is closed for writing");
        }
        if (inactive) {
          throw new IOException("stream " + stream.id() + " is closed");
        }
        if (stream.isWritable()) {
          return;
        }
        await(deadline, "write");
      }
    } finally {
      lock.unlock();
    }
  }

  /** Under {@link #lock}: waits for a change, until {@code deadline} if it is not 0. */
  private void await(long deadline, String call) throws IOException {
    try {
      if (deadline == 0) {
        changed.await();
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        Duration timeout = Duration.ofNanos(call.equals("read") ? readTimeoutNanos : writeTimeoutNanos);
        throw new SocketTimeoutException((call.equals("read") ? "nothing arrived on" : "no room to write on")
            + " stream " + stream.id() + " within the " + call + " timeout of " + timeout);
      }
      // Woken early or late, the caller looks again and comes back here while it must wait.
      changed.awaitNanos(left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException(
          "interrupted while waiting to " + call + " stream " + stream.id());
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  /**
   * Ends this side's writing after what was written before; the remote reads to its end. Never
   * waits: while another thread is inside a write, that write ends the writing as it returns.
   */
  public void closeWrite() {
    if (!markClosedHere(false)) {
      return;
    }
    if (writing.tryLock()) {
      try {
        sendPendingCloseWrite();
      } finally {
        writing.unlock();
      }
    }
  }

  /** Holding {@link #writing}: sends the end of writing that {@link #closeWrite()} left to it. */
  private void sendPendingCloseWrite() {
    boolean send;
    lockBriefly();
    try {
      send = closeWritePending;
      closeWritePending = false;
    } finally {
      lock.unlock();
    }
    if (send) {
      stream.closeWrite();
    }
  }

  /** Closes both directions after what was written before; what was not read is dropped. */
  public void close() {
    if (markClosedHere(true)) {
      stream.close();
    }
  }

  /** Notes that this side closed its writing, or the whole stream; false if it had already. */
  private boolean markClosedHere(boolean wholeStream) {
    lockBriefly();
    try {
      if (closedHere || (!wholeStream && writeClosedHere)) {
        return false;
      }
      if (wholeStream) {
        closedHere = true;
      } else {
        writeClosedHere = true;
        closeWritePending = true;
      }
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Aborts both directions. */
  public void reset() {
    fail(new StreamResetIOException("stream " + stream.id() + " was reset by this side", null), true);
    stream.reset();
  }

  public void readTimeout(Duration timeout) {
    readTimeoutNanos = timeoutNanos(timeout);
  }

  public void writeTimeout(Duration timeout) {
    writeTimeoutNanos = timeoutNanos(timeout);
  }

  private static long timeoutNanos(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    return timeout.toNanos();
  }

  private void refuseOnNettyThread(String call) {
    if (EventLoopGuardedFuture.onNettyThread()) {
      throw new IllegalStateException("BlockingStream " + call + " on the Netty thread "
          + Thread.currentThread().getName() + " (a stream handler, an event listener or a future's callback): it"
          + " would block the event loop that must deliver what it waits for, and wait for ever. Serve the stream"
          + " with BlockingStreams.handler(...), or read and write it from a thread of your own");
    }
  }
}
