package io.jlibp2p.mplex.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.muxer.FatalErrors;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.RefusalStreak;
import io.jlibp2p.core.muxer.ReplyBacklog;
import io.jlibp2p.core.muxer.SessionDrain;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's mplex session: dispatches the frames {@link MplexFrameDecoder} reads to {@link
 * MplexStream}s, and frames what the streams write.
 *
 * <p>Unknown streams and malformed frames are handled as the spec and go do: data or a close for
 * an unknown stream is dropped, a second NewStream for a live ID or a frame over 1 MiB ends the
 * connection. Since mplex has no flow control, {@link MplexLimits} bound what is buffered: a
 * stream whose unread data passes its bound is reset, and so is a stream whose data passes the
 * connection's bound.
 *
 * <p>Reference counting: each frame's body is owned by this session once the frame arrives; it is
 * handed to its stream (which releases it) or released here.
 */
public final class MplexSession extends ChannelInboundHandlerAdapter implements StreamMuxer.Session {

  private static final Logger log = LoggerFactory.getLogger(MplexSession.class);

  /**
   * The resets the peer's frames call for (of refused streams, of streams past a limit) are not
   * queued once more than 2 MiB waits beyond the connection's high water mark: the connection is
   * closed instead. Streams write only while the connection is writable, so data passes the mark
   * by one frame at most (1 MiB); 2 MiB leaves another 1 MiB, some 10,000 unread resets, as
   * yamux allows for its answers.
   */
  private static final ReplyBacklog REPLIES = new ReplyBacklog("mplex", 2 << 20);

  private final MuxerParameters parameters;
  private final MplexLimits limits;
  /** Streams this side opened, by ID. */
  private final Map<Long, MplexStream> outbound = new HashMap<>();
  /** Streams the remote opened, by ID. */
  private final Map<Long, MplexStream> inbound = new HashMap<>();
  private ChannelHandlerContext ctx;
  private long nextStreamId;
  private long unreadBytes;
  /** Open streams of both maps, for callers off the event loop. */
  private volatile int streamCount;
  private final SessionDrain drain = new SessionDrain();
  /** Stream opens refused in a row after which the remote is cut off. */
  static final int MAX_REFUSED_OPENS_IN_A_ROW = 1000;
  /**
   * Frames in a row for streams that do not exist after which the remote is cut off: a stream this
   * side reset may still have a few MiB in flight, in frames of a few KiB, but not 10,000 of them
   * with no frame for a live stream between.
   */
  static final int MAX_UNKNOWN_STREAM_FRAMES_IN_A_ROW = 10_000;
  private final RefusalStreak refusedOpens = new RefusalStreak(MAX_REFUSED_OPENS_IN_A_ROW);
  private final RefusalStreak unknownStreamFrames = new RefusalStreak(MAX_UNKNOWN_STREAM_FRAMES_IN_A_ROW);

  public MplexSession(MuxerParameters parameters, MplexLimits limits) {
    this.parameters = parameters;
    this.limits = limits;
  }

  /** The frame decoder, then this session. */
  @Override
  public ChannelHandler handler() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast("mplex-frames", new MplexFrameDecoder());
        ch.pipeline().addLast("mplex", MplexSession.this);
      }
    };
  }

  @Override
  public int openStreams() {
    return streamCount;
  }

  private void countStreams() {
    streamCount = outbound.size() + inbound.size();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  // ---- opening streams ----

  @Override
  public CompletableFuture<Stream> openStream(ChannelHandler streamHandler) {
    CompletableFuture<Stream> opened = new CompletableFuture<>();
    if (ctx == null) {
      opened.completeExceptionally(new IllegalStateException("the mplex session is not in a pipeline yet"));
      return opened;
    }
    if (ctx.executor().inEventLoop()) {
      openOrFail(streamHandler, opened);
    } else {
      ctx.executor().execute(() -> openOrFail(streamHandler, opened));
    }
    return opened;
  }

  private void openOrFail(ChannelHandler streamHandler, CompletableFuture<Stream> opened) {
    try {
      open(streamHandler, opened);
    } catch (RuntimeException e) {
      opened.completeExceptionally(e);
    }
  }

  private void open(ChannelHandler streamHandler, CompletableFuture<Stream> opened) {
    if (!ctx.channel().isActive() || drain.isDraining()) {
      opened.completeExceptionally(new IllegalStateException("the connection is " + (drain.isDraining() ? "closing" : "closed")));
      return;
    }
    if (outbound.size() >= limits.maxStreams()) {
      opened.completeExceptionally(
          new LimitExceededException("mplex: " + limits.maxStreams() + " outbound streams already open"));
      return;
    }
    StreamScope scope;
    try {
      scope = parameters.streamScopes().open(Direction.OUTBOUND);
    } catch (LimitExceededException e) {
      opened.completeExceptionally(e);
      return;
    }
    long id = nextStreamId++;
    MplexStream stream = new MplexStream(ctx.channel(), Direction.OUTBOUND, id, this, scope);
    try {
      stream.pipeline().addLast(streamHandler);
    } catch (RuntimeException e) {
      scope.close(); // a handler that cannot be added (a non-sharable one reused): the stream never was
      opened.completeExceptionally(e);
      return;
    }
    outbound.put(id, stream);
    countStreams();
    // go names streams by their number; names are for debugging only.
    writeFrame(id, MplexFlag.NEW_STREAM, ctx.alloc().buffer().writeBytes(Long.toString(id).getBytes(StandardCharsets.US_ASCII)));
    ctx.flush();
    register(stream).addListener(f -> {
      if (f.isSuccess()) {
        opened.complete(stream);
      } else {
        opened.completeExceptionally(f.cause());
      }
    });
  }

  private ChannelFuture register(MplexStream stream) {
    return ctx.channel().eventLoop().register(stream).addListener(f -> {
      if (!f.isSuccess()) {
        (stream.direction() == Direction.OUTBOUND ? outbound : inbound).remove(stream.streamId(), stream);
        countStreams();
        stream.scope().close();
      }
    });
  }

  // ---- writing ----

  /** Writes one frame; takes ownership of {@code data}, which may be {@code null} for none. */
  void writeFrame(long streamId, int flag, ByteBuf data) {
    int length = data == null ? 0 : data.readableBytes();
    ByteBuf header = ctx.alloc().buffer(MplexFrame.MAX_HEADER_LENGTH);
    MplexFrame.writeHeader(header, streamId, flag, length);
    ctx.write(header, ctx.voidPromise());
    if (data != null) {
      ctx.write(data, ctx.voidPromise());
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      for (MplexStream stream : allStreams()) {
        stream.resumeWrites();
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  // ---- reading ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MplexFrame frame && !ctx.channel().isActive()) {
      // Closed for a protocol error or a limit: the rest of the read is not looked at.
      frame.body().release();
      return;
    }
    if (msg instanceof MplexFrame frame) {
      onFrame(frame.streamId(), frame.flag(), frame.body());
    } else {
      ctx.fireChannelRead(msg); // not a frame: passed on, so that whoever owns it can release it
    }
  }

  private void onFrame(long id, int flag, ByteBuf body) {
    if (flag == MplexFlag.NEW_STREAM) {
      body.release();
      onNewStream(id);
      return;
    }
    // A frame from the stream's initiator concerns a stream the remote opened, and vice versa.
    MplexStream stream = (MplexFlag.fromInitiator(flag) ? inbound : outbound).get(id);
    switch (flag) {
      case MplexFlag.MESSAGE_RECEIVER, MplexFlag.MESSAGE_INITIATOR -> onMessage(stream, body);
      case MplexFlag.CLOSE_RECEIVER, MplexFlag.CLOSE_INITIATOR -> {
        body.release();
        if (stream != null) {
          stream.onRemoteClose();
        }
      }
      case MplexFlag.RESET_RECEIVER, MplexFlag.RESET_INITIATOR -> {
        body.release();
        if (stream != null) {
          stream.onReset("the remote reset mplex stream " + id);
        }
      }
      default -> body.release(); // flag 7 is undefined: skip the frame
    }
  }

  private void onNewStream(long id) {
    if (inbound.containsKey(id)) {
      protocolError("NewStream for stream " + id + ", which is already open");
      return;
    }
    if (drain.isDraining()) {
      // Closing: the remote's opens cross our goodbye, and are no misbehaviour.
      if (REPLIES.admit(ctx)) {
        writeFrame(id, MplexFlag.RESET_RECEIVER, null);
        ctx.flush();
      }
      return;
    }
    if (inbound.size() >= limits.maxStreams()) {
      // Reported as a refused limit, which the host logs at INFO (at most a line a second).
      ctx.fireUserEventTriggered(new LimitExceededException(
          "mplex: refused stream " + id + ", past the " + limits.maxStreams() + " streams the peer may have open"));
      refuse(id);
      return;
    }
    StreamScope scope;
    try {
      scope = parameters.streamScopes().open(Direction.INBOUND);
    } catch (LimitExceededException e) {
      log.debug("refused mplex stream {} on {}: {}", id, ctx.channel(), e.getMessage());
      refuse(id);
      return;
    }
    refusedOpens.accepted();
    MplexStream stream = new MplexStream(ctx.channel(), Direction.INBOUND, id, this, scope);
    inbound.put(id, stream);
    countStreams();
    try {
      parameters.inboundStreams().streamOpened(stream);
    } catch (RuntimeException e) {
      log.warn("inbound stream handler failed; resetting {}", stream, e);
      inbound.remove(id);
      countStreams();
      scope.close();
      refuse(id);
      return;
    }
    register(stream);
  }

  /** Resets a stream the remote opened, unless the peer leaves its answers unread ({@link #REPLIES}). */
  private void refuse(long id) {
    if (refusedOpens.refused()) {
      cutOff("more than " + refusedOpens.bound() + " stream opens refused in a row");
      return;
    }
    if (REPLIES.admit(ctx)) {
      writeFrame(id, MplexFlag.RESET_RECEIVER, null);
      ctx.flush();
    }
  }

  private void onMessage(MplexStream stream, ByteBuf body) {
    if (stream == null || !stream.isOpen() || stream.isRemoteClosed()) {
      // Unknown or locally closed stream (dropped, as go does), or data after the remote's own
      // Close (a protocol violation): never counted as unread.
      body.release();
      // Only a stream that does not exist at all counts: one this side closed may still receive
      // what the remote had in flight, and a half-closed one is the remote's protocol error, dropped.
      if (stream == null && unknownStreamFrames.refused()) {
        cutOff("more than " + unknownStreamFrames.bound() + " frames in a row for streams that do not exist");
      }
      return;
    }
    unknownStreamFrames.accepted();
    int bytes = body.readableBytes();
    if (!stream.reserveForRead(bytes)) {
      body.release();
      resetForLimit(stream, "no memory left in " + stream.scope().name() + " for " + bytes + " more unread bytes");
      return;
    }
    unreadBytes += bytes;
    stream.onData(body);
    if (stream.queuedBytes() > limits.maxUnreadPerStream()) {
      resetForLimit(stream, "more than " + limits.maxUnreadPerStream() + " bytes received and not read");
    } else if (unreadBytes > limits.maxUnreadPerConnection()) {
      resetForLimit(stream, "the connection holds more than " + limits.maxUnreadPerConnection() + " unread bytes");
    }
  }

  /**
   * Resets a stream that passed a limit, unless the peer leaves its answers unread ({@link
   * #REPLIES}): then the connection closes, and the stream with it.
   */
  private void resetForLimit(MplexStream stream, String reason) {
    if (REPLIES.admit(ctx)) {
      stream.resetForLimit("mplex stream reset: " + reason);
    }
  }

  /** Bytes a stream had buffered were read or dropped. */
  void released(long bytes) {
    unreadBytes -= bytes;
  }

  /** A stream's channel closed; forget it once the remote is done with it too. */
  void streamClosed(MplexStream stream, boolean fullyDone) {
    if (fullyDone) {
      Map<Long, MplexStream> streams = stream.direction() == Direction.OUTBOUND ? outbound : inbound;
      streams.remove(stream.streamId(), stream);
      countStreams();
      completeDrainIfEmpty();
    }
  }

  // ---- graceful close ----

  /** mplex has no goodbye frame: each stream's Close frame is the whole of it. */
  @Override
  public CompletableFuture<Void> drain() {
    return drain.start(ctx, () -> allStreams().forEach(MplexStream::close),
        () -> outbound.isEmpty() && inbound.isEmpty());
  }

  private void completeDrainIfEmpty() {
    drain.check(ctx, outbound.isEmpty() && inbound.isEmpty());
  }

  // ---- connection lifecycle ----

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    for (MplexStream stream : allStreams()) {
      stream.onConnectionClosed();
    }
    outbound.clear();
    inbound.clear();
    countStreams();
    completeDrainIfEmpty();
    super.channelInactive(ctx);
  }

  /**
   * The connection failed: a malformed frame is the peer's protocol error, worth a warning; anything
   * else (a reset socket) is logged quietly. Either way its streams learn it from the close.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof MplexFrameDecoder.MplexProtocolException) {
      protocolError(cause.getMessage());
      return;
    }
    if (FatalErrors.isFatal(cause)) {
      ctx.fireExceptionCaught(cause); // to the host, which shuts down
    }
    log.debug("mplex connection {} failed; closing it", ctx.channel(), cause);
    ctx.close();
  }

  private List<MplexStream> allStreams() {
    List<MplexStream> all = new ArrayList<>(outbound.values());
    all.addAll(inbound.values());
    return all;
  }

  /**
   * Ends the connection of a remote that keeps at what is refused, telling the host's last handler
   * (and so the event listener) of the limit, as an event, then closing as for the protocol error it is.
   */
  private void cutOff(String reason) {
    ctx.fireUserEventTriggered(new LimitExceededException("mplex: " + reason));
    protocolError(reason);
  }

  private void protocolError(String message) {
    log.warn("mplex protocol error on {}: {}; closing the connection", ctx.channel(), message);
    ctx.close();
  }
}
