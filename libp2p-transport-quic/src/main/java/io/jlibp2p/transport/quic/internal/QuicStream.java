package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.AbstractStreamChannel;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.net.SocketAddress;

/**
 * A libp2p stream over one QUIC stream: the host's {@link AbstractStreamChannel} (so a stream
 * behaves the same over every muxer), its frames turned into the QUIC stream's writes, FIN and
 * reset. QUIC has its own flow control per stream: the QUIC stream reads from quiche only while
 * this channel's queue is short, so credit goes back to the remote as the application reads, and
 * what waits here is bounded by one read loop past the mark (and by the stream's window).
 *
 * <p>Reading is switched with the QUIC stream's {@code autoRead}, Netty's own backpressure: on
 * while less than the mark waits here, off above it, and on for good once this channel has
 * closed, so that what the remote still sends is dropped as it comes and its FIN still ends the
 * QUIC stream.
 */
final class QuicStream extends AbstractStreamChannel {

  /** Read more from quiche while less than this waits for the application. */
  private static final int READ_AHEAD_BYTES = 64 * 1024;
  private static final int MAX_DATA_PER_WRITE = 64 * 1024;
  /** RESET_STREAM's and STOP_SENDING's application error code: go-libp2p's for a reset stream. */
  private static final int RESET_CODE = 0;

  private final QuicStreamChannel quic;
  private final QuicMuxing muxing;
  private boolean finQueued;

  QuicStream(QuicStreamChannel quic, Direction direction, StreamScope scope, QuicMuxing muxing) {
    super(quic, direction, scope);
    this.quic = quic;
    this.muxing = muxing;
    quic.pipeline().addLast("libp2p-stream", new Bridge());
  }

  /**
   * Sets up a QUIC stream as it registers, before its first read (for an inbound stream and for
   * one this side opens alike): it reads once its {@code QuicStream} has started, and the remote's
   * FIN ends its input only (Netty's default closes the whole QUIC stream, losing what this side
   * still has to write).
   */
  static void configure(QuicStreamChannel quic) {
    quic.config().setAutoRead(false).setAllowHalfClosure(true);
  }

  /** Starts reading, once the stream is registered. */
  void start() {
    updateReading();
  }

  /** Reads from quiche while the application keeps up; a closed stream's input is dropped as it comes. */
  private void updateReading() {
    boolean read = !isOpen() || queuedBytes() < READ_AHEAD_BYTES;
    if (quic.isActive() && quic.config().isAutoRead() != read) {
      quic.config().setAutoRead(read);
    }
  }

  /** The connection's UDP address, as over other muxers, rather than the QUIC stream's ID. */
  @Override
  protected SocketAddress localAddress0() {
    return quic.parent().localSocketAddress();
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return quic.parent().remoteSocketAddress();
  }

  @Override
  protected void writeData(ByteBuf data) {
    quic.write(data, quic.voidPromise());
  }

  @Override
  protected void writeCloseFrame() {
    // A FIN behind the data queued before it, not a shutdown that would overtake it. It is handed
    // to quiche in a task of its own, never while the connection is reading packets: quiche takes
    // a FIN with no data as the end of a stream whose data is all acked and whose input has ended,
    // and an ACK read before the packet with the FIN is sent lets quiche forget the stream, FIN
    // unsent (the remote then never sees the end). From a task of its own the FIN is sent at once.
    finQueued = true;
    quic.eventLoop().execute(() ->
        quic.write(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true), quic.voidPromise()));
  }

  @Override
  protected void writeResetFrame() {
    quic.shutdown(RESET_CODE);
  }

  @Override
  protected boolean canWriteData() {
    return quic.isWritable();
  }

  @Override
  protected int maxDataPerWrite() {
    return MAX_DATA_PER_WRITE;
  }

  @Override
  protected void onBytesRead(int bytes) {
    updateReading();
  }

  @Override
  protected void onStreamClosed(boolean fullyDone) {
    muxing.streamClosed(this);
    if (!quic.isActive()) {
      return;
    }
    if (!finQueued) {
      // Reset: both directions end now.
      quic.shutdown(RESET_CODE);
      quic.close();
    } else if (!fullyDone) {
      // Closed with the remote still sending: what it still sends is read and dropped, so that
      // its credit comes back, until its FIN ends the QUIC stream, as a yamux stream lingers. A
      // STOP_SENDING would hide that end from Netty, and the QUIC stream would stay open (and a
      // graceful close of the connection waiting for it) until the connection closed.
      updateReading();
    }
    // Otherwise FIN both ways: the QUIC stream closes by itself once its FIN has been sent.
  }

  /** Carries the QUIC stream's events to this channel, on the same event loop. */
  private final class Bridge extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      onData((ByteBuf) msg);
      updateReading();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof ChannelInputShutdownEvent) {
        onRemoteClose();
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        resumeWrites();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // The remote's RESET_STREAM, or quiche refusing the stream's data.
      onReset("the QUIC stream failed: " + cause.getMessage());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!quic.parent().isActive()) {
        onConnectionClosed();
      } else if (!(isRemoteClosed() && finQueued)) {
        onReset("the remote reset the QUIC stream");
      }
    }
  }
}
