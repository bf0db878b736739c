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

/**
 * A libp2p stream over one QUIC stream: the host's {@link AbstractStreamChannel} (so a stream
 * behaves the same over every muxer), its frames turned into the QUIC stream's writes, FIN and
 * reset. QUIC has its own flow control per stream: the QUIC stream reads from quiche only while
 * this channel's queue is short, so credit goes back to the remote as the application reads, and
 * what waits here is bounded by one read.
 */
final class QuicStream extends AbstractStreamChannel {

  /** Read more from quiche while less than this waits for the application. */
  private static final int READ_AHEAD_BYTES = 64 * 1024;
  private static final int MAX_DATA_PER_WRITE = 64 * 1024;
  /** RESET_STREAM's and STOP_SENDING's application error code: go-libp2p's for a reset stream. */
  private static final int RESET_CODE = 0;

  private final QuicStreamChannel quic;
  private final QuicMuxing muxing;
  private boolean reading;
  private boolean finQueued;

  QuicStream(QuicStreamChannel quic, Direction direction, StreamScope scope, QuicMuxing muxing) {
    super(quic, direction, scope);
    this.quic = quic;
    this.muxing = muxing;
    quic.config().setAutoRead(false);
    quic.pipeline().addLast("libp2p-stream", new Bridge());
  }

  /** Starts reading, once the stream is registered. */
  void start() {
    readMore();
  }

  private void readMore() {
    if (!reading && isOpen() && quic.isActive() && queuedBytes() < READ_AHEAD_BYTES) {
      reading = true;
      quic.read();
    }
  }

  @Override
  protected void writeData(ByteBuf data) {
    quic.write(data, quic.voidPromise());
  }

  @Override
  protected void writeCloseFrame() {
    // A FIN behind the data queued before it, not a shutdown that would overtake it.
    finQueued = true;
    quic.write(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true), quic.voidPromise());
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
    readMore();
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
      // Closed with the remote still sending: STOP_SENDING. The FIN queued behind this side's
      // data still goes out; the QUIC stream closes once the remote has answered.
      quic.shutdownInput(RESET_CODE);
    }
    // Otherwise FIN both ways: the QUIC stream closes by itself once its FIN has been sent.
  }

  /** Carries the QUIC stream's events to this channel, on the same event loop. */
  private final class Bridge extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      onData((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      reading = false;
      readMore();
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
