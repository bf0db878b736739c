package io.jlibp2p.core.muxer;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ChunkedReservation;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPipeline;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream child channel every muxer shares, modelled on Netty's HTTP/2 child channels: the
 * muxer decodes frames and calls {@link #onData}, {@link #onRemoteClose}, {@link #onReset}
 * and {@link #onConnectionClosed}; the subclass turns writes into frames.
 *
 * <p>Reading: received buffers wait in a queue until the pipeline asks for them ({@code autoRead}
 * or {@code read()}); {@link #onBytesRead} reports each batch handed to the pipeline, which is when
 * flow-control credit may go back to the remote. Writing: {@link #doWrite} takes from the
 * outbound buffer only while {@link #canWriteData()} allows, so the stream turns unwritable, by
 * Netty's water marks, when the muxer or the connection cannot take more.
 *
 * <p>Closing: {@code close()} delivers what was written before it. With writes still pending (the
 * window is spent, the connection is unwritable) the channel stays open, reading nothing more,
 * until they and the close frame are handed to the muxer; only a stream that makes no progress for
 * {@value #LINGER_STALL_SECONDS} s is reset instead, and its pending writes fail.
 *
 * <p>Memory: writes waiting in the outbound buffer are reserved from the stream's {@link
 * StreamScope} in chunks of {@value #WRITE_RESERVATION_CHUNK} bytes; a write the scope has no room
 * for fails with a {@link LimitExceededException} and resets the stream, so a handler that ignores
 * {@code isWritable()} cannot grow the buffer without bound. What the muxer keeps for reading is
 * the muxer's to reserve. Everything is released as the stream closes.
 *
 * <p>All methods run on the parent's event loop. Reference counting: {@link #onData} takes
 * ownership of its buffer; buffers still queued when the stream closes are released here.
 */
public abstract class AbstractStreamChannel extends AbstractChannel implements Stream {

  private static final Logger log = LoggerFactory.getLogger(AbstractStreamChannel.class);

  /** Written through the pipeline by {@link #closeWrite()}, so it follows earlier writes. */
  private static final Object CLOSE_WRITE = new Object() {
    @Override
    public String toString() {
      return "CLOSE_WRITE";
    }
  };

  private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

  /** The granule of the outbound buffer's memory reservations. */
  static final int WRITE_RESERVATION_CHUNK = 64 * 1024;

  /** How long a closing stream may wait for its pending writes without any of them going out. */
  static final int LINGER_STALL_SECONDS = 30;

  private final ChannelConfig config = new DefaultChannelConfig(this) {
    @Override
    protected void autoReadCleared() {
      // A read requested while autoRead was on no longer stands.
      readRequested = false;
    }
  };
  private final Direction direction;
  private final StreamScope scope;
  /** Bytes written to this channel and not yet handed to the muxer, and the memory reserved for them. */
  private long pendingWriteBytes;
  private final ChunkedReservation writeReservation;
  private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
  private long queuedBytes;
  // Written on the event loop, read from anywhere (the event listener, metrics).
  private volatile long bytesRead;
  private volatile long bytesWritten;
  private boolean readRequested;
  private boolean delivering;
  // Read by user threads through isOpen(), isActive() and isRemoteClosed(); written on the loop.
  private volatile boolean remoteClosed;
  private volatile boolean closed;
  private boolean inputShutdownFired;
  private boolean closeWriteRequested;
  private boolean localWriteClosed;
  private boolean reset;
  /** Set when the reset came from the remote, a limit or the connection closing, not this side's own choice. */
  private boolean resetFromOutside;
  /** The promise of a close() that waits for pending writes to go out; null when none does. */
  private ChannelPromise lingeringClose;
  private ScheduledFuture<?> lingerCheck;
  private long bytesWrittenAtLastCheck;

  protected AbstractStreamChannel(Channel parent, Direction direction) {
    this(parent, direction, StreamScope.UNLIMITED);
  }

  /** A stream counted in {@code scope}, which it closes as it closes. */
  protected AbstractStreamChannel(Channel parent, Direction direction, StreamScope scope) {
    super(parent);
    this.direction = direction;
    this.scope = scope;
    this.writeReservation = new ChunkedReservation(scope, WRITE_RESERVATION_CHUNK);
  }

  // ---- what the muxer implements ----

  /**
   * Sends {@code data} as this stream's data frames; takes ownership of the buffer. Called only
   * when {@link #canWriteData()} is true.
   */
  protected abstract void writeData(ByteBuf data);

  /** Sends this side's end of writing (FIN, Close). */
  protected abstract void writeCloseFrame();

  /** Sends a reset. */
  protected abstract void writeResetFrame();

  /** Whether the muxer and the connection can take more data for this stream now. */
  protected abstract boolean canWriteData();

  /** The muxer's maximum data per write call; larger buffers are cut into slices of this size. */
  protected abstract int maxDataPerWrite();

  /** {@code bytes} were handed to the pipeline: the moment to return flow-control credit. */
  protected abstract void onBytesRead(int bytes);

  /** {@code bytes} that were received but never read were dropped because the stream closed. */
  protected void onBytesDiscarded(long bytes) {}

  /** The stream's channel closed; {@code fullyDone} tells whether the remote is done too. */
  protected abstract void onStreamClosed(boolean fullyDone);

  // ---- what the muxer calls, on the event loop ----

  /** Data for this stream arrived; takes ownership of {@code data}. */
  public final void onData(ByteBuf data) {
    if (closed || remoteClosed) {
      data.release();
      return;
    }
    if (lingeringClose != null) {
      // Closed by the application, which reads nothing more.
      onBytesDiscarded(data.readableBytes());
      data.release();
      return;
    }
    inbound.add(data);
    queuedBytes += data.readableBytes();
    if (readRequested) {
      deliver();
    }
  }

  /** The remote ended its writing; EOF reaches the pipeline after the queued data. */
  public final void onRemoteClose() {
    if (remoteClosed) {
      return;
    }
    remoteClosed = true;
    if (closed) {
      onStreamClosed(true);
      return;
    }
    // Like data, EOF waits until the pipeline asks to read.
    if (readRequested) {
      deliver();
    }
  }

  /** The remote reset the stream, or a limit forced it: the pipeline sees the exception. */
  public final void onReset(String reason) {
    resetFromOutside = true;
    remoteClosed = true;
    if (closed) {
      onStreamClosed(true);
      return;
    }
    reset = true;
    pipeline().fireExceptionCaught(new StreamResetException(reason));
    unsafe().close(unsafe().voidPromise());
  }

  /** The connection under the stream closed. */
  public final void onConnectionClosed() {
    if (closed) {
      return;
    }
    resetFromOutside = true;
    reset = true;
    remoteClosed = true;
    if (!(localWriteClosed && inputShutdownFired)) {
      pipeline().fireExceptionCaught(new StreamResetException("the connection closed under the stream"));
    }
    unsafe().close(unsafe().voidPromise());
  }

  /** The muxer or the connection can take data again: resume writing what is pending. */
  public final void resumeWrites() {
    if (!closed) {
      ((StreamUnsafe) unsafe()).resume();
    }
  }

  /** Bytes received but not yet read by the pipeline. */
  public final long queuedBytes() {
    return queuedBytes;
  }

  // ---- Stream ----

  @Override
  public Direction direction() {
    return direction;
  }

  @Override
  public final StreamScope scope() {
    return scope;
  }

  /**
   * Whether the muxer has per-stream flow control, so that reading less makes the remote send
   * less. True by default; mplex, which has none, says false: there, a stream that stops reading
   * only moves its backlog from the write side to the read side, where it is reset sooner.
   */
  public boolean isFlowControlled() {
    return true;
  }

  @Override
  public ChannelFuture closeWrite() {
    return writeAndFlush(CLOSE_WRITE);
  }

  @Override
  public ChannelFuture reset() {
    ChannelPromise promise = newPromise();
    if (eventLoop().inEventLoop()) {
      doReset(promise);
    } else {
      eventLoop().execute(() -> doReset(promise));
    }
    return promise;
  }

  private void doReset(ChannelPromise promise) {
    if (!closed && !reset) {
      reset = true;
      writeResetFrame();
      parent().flush();
    }
    unsafe().close(promise);
  }

  @Override
  public boolean isRemoteClosed() {
    return remoteClosed;
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public long bytesWritten() {
    return bytesWritten;
  }

  // ---- reading ----

  private void deliver() {
    if (delivering || lingeringClose != null) {
      return;
    }
    delivering = true;
    try {
      boolean any = false;
      boolean readWanted = readRequested || config.isAutoRead();
      while (!closed && !inbound.isEmpty()) {
        if (any && !config.isAutoRead() && !readRequested) {
          break; // reading was turned off meanwhile (the stream's writes backed up): the rest waits
        }
        ByteBuf data = inbound.poll();
        int bytes = data.readableBytes();
        queuedBytes -= bytes;
        bytesRead += bytes;
        readRequested = false;
        any = true;
        pipeline().fireChannelRead(data);
        onBytesRead(bytes);
      }
      if (any && !closed) {
        pipeline().fireChannelReadComplete();
      }
      // EOF counts as a read: it goes out if reading is on, or a read was asked for and no data
      // answered it. A handler that turned autoRead off while reading makes it wait.
      if (!closed && remoteClosed && inbound.isEmpty() && !inputShutdownFired
          && (config.isAutoRead() || readRequested || (readWanted && !any))) {
        inputShutdownFired = true;
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        if (localWriteClosed && !closed) {
          unsafe().close(unsafe().voidPromise());
        }
      }
    } finally {
      delivering = false;
    }
  }

  @Override
  protected void doBeginRead() {
    readRequested = true;
    if (!inbound.isEmpty() || (remoteClosed && !inputShutdownFired)) {
      // Deliver outside the read() call, as a socket would, so handlers never re-enter.
      eventLoop().execute(() -> {
        if (readRequested) {
          deliver();
        }
      });
    }
  }

  // ---- writing ----

  @Override
  protected Object filterOutboundMessage(Object msg) {
    if (msg instanceof ByteBuf || msg == CLOSE_WRITE) {
      // Runs on the event loop in write order, so a write after closeWrite() is caught even while
      // the close is still queued behind earlier data.
      if (closeWriteRequested) {
        throw new IllegalStateException("stream " + id() + " is closed for writing");
      }
      closeWriteRequested = msg == CLOSE_WRITE;
      if (msg instanceof ByteBuf data && !reserveForWrite(data.readableBytes())) {
        throw new LimitExceededException(scope.name(), "no memory left for the " + data.readableBytes()
            + " bytes written to stream " + id() + ", with " + pendingWriteBytes + " already waiting to be sent;"
            + " a handler must stop writing while the stream is not writable (see StreamBackpressure)");
      }
      return msg;
    }
    throw new UnsupportedOperationException(
        "streams carry ByteBufs only, not " + msg.getClass().getName());
  }

  /** Counts {@code bytes} more waiting to be sent, reserving memory for them first; false if refused. */
  private boolean reserveForWrite(int bytes) {
    if (!writeReservation.cover(pendingWriteBytes + bytes)) {
      // Reset once the failed write has unwound: the pipeline hears of it as the write's failure.
      eventLoop().execute(() -> doReset(newPromise()));
      return false;
    }
    pendingWriteBytes += bytes;
    return true;
  }

  /** {@code bytes} waiting to be sent went to the muxer. */
  private void writeDone(long bytes) {
    pendingWriteBytes = Math.max(0, pendingWriteBytes - bytes);
    writeReservation.shrinkTo(pendingWriteBytes);
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    // Flushing the parent can make it writable again at once, and that news arrives while this
    // channel is still inside its own flush, where resumeWrites() cannot act: so look again here.
    while (writeWhatTheMuxerTakes(in)) {
      parent().flush();
      if (in.current() == null || !canWriteData()) {
        break;
      }
    }
  }

  /** Hands pending messages to the muxer while it takes them; returns whether any was. */
  private boolean writeWhatTheMuxerTakes(ChannelOutboundBuffer in) {
    boolean wrote = false;
    Object msg;
    while ((msg = in.current()) != null) {
      if (msg == CLOSE_WRITE) {
        writeCloseFrame();
        localWriteClosed = true;
        wrote = true;
        in.remove();
        if (lingeringClose != null) {
          ChannelPromise lingering = lingeringClose;
          eventLoop().execute(() -> unsafe().close(lingering));
        } else if (inputShutdownFired) {
          eventLoop().execute(() -> unsafe().close(unsafe().voidPromise()));
        }
        continue;
      }
      ByteBuf data = (ByteBuf) msg;
      if (!data.isReadable()) {
        in.remove();
        continue;
      }
      if (!canWriteData()) {
        break;
      }
      int chunk = Math.min(data.readableBytes(), maxDataPerWrite());
      writeData(data.readRetainedSlice(chunk));
      bytesWritten += chunk;
      writeDone(chunk);
      wrote = true;
      if (data.isReadable()) {
        in.progress(chunk);
      } else {
        in.remove();
      }
    }
    return wrote;
  }

  // ---- lifecycle ----

  @Override
  protected void doClose() {
    if (closed) {
      return;
    }
    closed = true;
    if (lingerCheck != null) {
      lingerCheck.cancel(false);
    }
    discardInbound();
    // Writes still pending fail as the channel closes; what they held goes back now.
    pendingWriteBytes = 0;
    writeDone(0);
    scope.close();
    if (!reset && !localWriteClosed && parent().isActive()) {
      localWriteClosed = true;
      writeCloseFrame();
      parent().flush();
    }
    // A reset ends both directions: the remote sends nothing more for this stream.
    onStreamClosed(remoteClosed || reset);
  }

  /** Drops what was received and not read, telling the muxer how much. */
  private void discardInbound() {
    while (!inbound.isEmpty()) {
      ReferenceCountUtil.release(inbound.poll());
    }
    long discarded = queuedBytes;
    queuedBytes = 0;
    if (discarded > 0) {
      onBytesDiscarded(discarded);
    }
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public boolean isActive() {
    return !closed;
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  /**
   * A pipeline that passes a fatal error nobody handled on to the connection, where the host hears
   * it, and logs a reset nobody handled as one DEBUG line.
   */
  @Override
  protected DefaultChannelPipeline newChannelPipeline() {
    return new DefaultChannelPipeline(this) {
      @Override
      protected void onUnhandledInboundException(Throwable cause) {
        if (FatalErrors.isFatal(cause) && parent().isActive()) {
          parent().pipeline().fireExceptionCaught(cause);
          return;
        }
        if (cause instanceof StreamResetException) {
          // The stream closes with it either way, and a handler that wants to know catches it.
          // Closing a host or a connection resets every open stream, and so does the remote's
          // own reset: Netty's WARN with a stack trace for each would bury the log in what the
          // close caused. A reset this side made for a reason of its own (writes that could not
          // be delivered) is still worth a WARN line.
          if (resetFromOutside) {
            log.debug("stream {} on {}: {}; no handler caught it", id(), parent(), cause.getMessage());
          } else {
            log.warn("stream {} on {}: {}", id(), parent(), cause.getMessage());
          }
          return;
        }
        super.onUnhandledInboundException(cause);
      }
    };
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new StreamUnsafe();
  }

  private final class StreamUnsafe extends AbstractUnsafe {

    /**
     * Closes once what was written before is handed to the muxer, followed by the close frame;
     * at once if nothing is pending, or the stream was reset, or the connection is gone.
     */
    @Override
    public void close(ChannelPromise promise) {
      boolean lingerOver = closed || reset || localWriteClosed || !parent().isActive();
      if (lingeringClose == null && !lingerOver && hasPendingWrites()) {
        linger(promise);
        return;
      }
      if (lingeringClose != null && !lingerOver) {
        // A second close while the first waits: it completes with the first.
        if (!promise.isVoid()) {
          closeFuture().addListener(f -> promise.trySuccess());
        }
        return;
      }
      super.close(promise);
      if (lingeringClose != null && lingeringClose != promise && !lingeringClose.isDone()) {
        // Already closing: completes with the channel's close.
        super.close(lingeringClose);
      }
    }

    private boolean hasPendingWrites() {
      ChannelOutboundBuffer out = outboundBuffer();
      return out != null && (out.totalPendingWriteBytes() > 0 || !out.isEmpty());
    }

    private void linger(ChannelPromise promise) {
      lingeringClose = promise;
      discardInbound();
      if (!closeWriteRequested) {
        closeWriteRequested = true;
        outboundBuffer().addMessage(CLOSE_WRITE, 0, voidPromise());
      }
      bytesWrittenAtLastCheck = bytesWritten;
      lingerCheck = eventLoop().scheduleAtFixedRate(() -> {
        if (bytesWritten == bytesWrittenAtLastCheck && !closed) {
          pipeline().fireExceptionCaught(new StreamResetException("stream " + id() + " was closed with writes pending,"
              + " and none went out for " + LINGER_STALL_SECONDS + " s (the remote does not read); reset"));
          doReset(newPromise());
        }
        bytesWrittenAtLastCheck = bytesWritten;
      }, LINGER_STALL_SECONDS, LINGER_STALL_SECONDS, TimeUnit.SECONDS);
      outboundBuffer().addFlush();
      flush0();
    }

    @Override
    public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
      promise.setFailure(new UnsupportedOperationException("streams are opened by their muxer"));
    }

    /** Writes what was already flushed, without flushing what the user has not. */
    void resume() {
      flush0();
    }
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return true;
  }

  @Override
  protected SocketAddress localAddress0() {
    return parent().localAddress();
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return parent().remoteAddress();
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    throw new UnsupportedOperationException("streams cannot be bound");
  }

  @Override
  protected void doDisconnect() {
    doClose();
  }
}
