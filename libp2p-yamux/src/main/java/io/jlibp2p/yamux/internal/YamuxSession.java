package io.jlibp2p.yamux.internal;

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
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's yamux session (<a href="https://github.com/libp2p/specs/blob/master/yamux/README.md">spec</a>):
 * dispatches frames to {@link YamuxStream}s, opens streams (the dialer uses odd IDs, the listener
 * even ones), answers and sends keepalive pings (which measure the round trip the streams' window
 * tuning uses, and close the connection when one goes a whole interval unanswered), and says GoAway
 * when the connection is closed from this side.
 *
 * <p>A stream the remote opens is accepted, and acknowledged, at once, whether it was opened by a
 * Data or a WindowUpdate frame with SYN. At most {@value #MAX_UNACKED} streams this side opened
 * wait for their ACK; further opens wait their turn rather than fail.
 */
public final class YamuxSession extends ChannelDuplexHandler implements StreamMuxer.Session {

  private static final Logger log = LoggerFactory.getLogger(YamuxSession.class);

  static final long INITIAL_WINDOW = 256 * 1024;
  static final int MAX_UNACKED = 256;

  /**
   * Answers the peer asks for (pongs, RSTs of refused streams, ACKs of accepted ones, a GoAway on
   * a protocol error) are not queued once more than 1 MiB waits beyond the connection's high water
   * mark: the connection is closed instead. Streams write only while the connection is writable,
   * so data passes the mark by one frame at most (256 KiB): 1 MiB leaves that four times over, and
   * holds some 9,000 unread pongs. go-yamux bounds its queue of pongs likewise, dropping the rest.
   */
  private static final ReplyBacklog REPLIES = new ReplyBacklog("yamux", 1 << 20);

  /** Stream opens refused in a row (limits, closing) after which the remote is cut off. */
  static final int MAX_REFUSED_OPENS_IN_A_ROW = 1000;

  private record PendingOpen(ChannelHandler handler, CompletableFuture<Stream> opened) {}

  private final MuxerParameters parameters;
  private final int maxStreams;
  private final long maxWindow;
  private final Duration keepAlive;
  private final Map<Long, YamuxStream> streams = new HashMap<>();
  private final ArrayDeque<PendingOpen> pendingOpens = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private long nextStreamId;
  private int unacked;
  private boolean remoteGoneAway;
  private boolean goAwaySent;
  private volatile int streamCount;
  private long pingId;
  private long pingSentNanos;
  private volatile long roundTripNanos;
  private ScheduledFuture<?> keepAliveTask;
  private final SessionDrain drain = new SessionDrain();
  private final RefusalStreak refusedOpens = new RefusalStreak(MAX_REFUSED_OPENS_IN_A_ROW);

  public YamuxSession(MuxerParameters parameters, int maxStreams, long maxWindow, Duration keepAlive) {
    this.parameters = parameters;
    this.maxStreams = maxStreams;
    this.maxWindow = maxWindow;
    this.keepAlive = keepAlive;
    this.nextStreamId = parameters.direction() == Direction.OUTBOUND ? 1 : 2;
  }

  /** The frame decoder, then this session. */
  @Override
  public ChannelHandler handler() {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast("yamux-frames", new YamuxFrameDecoder(maxWindow));
        ch.pipeline().addLast("yamux", YamuxSession.this);
      }
    };
  }

  @Override
  public int openStreams() {
    return streamCount;
  }

  long maxWindow() {
    return maxWindow;
  }

  /** The last measured round trip, 0 before the first keepalive answer. */
  long roundTripNanos() {
    return roundTripNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (!keepAlive.isZero()) {
      keepAliveTask = ctx.executor().scheduleAtFixedRate(this::ping, 0, keepAlive.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  // ---- opening ----

  @Override
  public CompletableFuture<Stream> openStream(ChannelHandler streamHandler) {
    CompletableFuture<Stream> opened = new CompletableFuture<>();
    if (ctx == null) {
      opened.completeExceptionally(new IllegalStateException("the yamux session is not in a pipeline yet"));
      return opened;
    }
    ctx.executor().execute(() -> {
      try {
        requestOpen(new PendingOpen(streamHandler, opened));
      } catch (RuntimeException e) {
        opened.completeExceptionally(e);
      }
    });
    return opened;
  }

  private void requestOpen(PendingOpen request) {
    if (!ctx.channel().isActive() || remoteGoneAway || goAwaySent || drain.isDraining()) {
      request.opened().completeExceptionally(new IllegalStateException("the yamux session is closing"));
    } else if (unacked >= MAX_UNACKED) {
      pendingOpens.add(request);
    } else {
      open(request);
    }
  }

  private void open(PendingOpen request) {
    if (countOutbound() >= maxStreams) {
      request.opened().completeExceptionally(new LimitExceededException("yamux: " + maxStreams + " outbound streams already open"));
      return;
    }
    StreamScope scope;
    try {
      scope = streamScope(Direction.OUTBOUND);
    } catch (LimitExceededException e) {
      request.opened().completeExceptionally(e);
      return;
    }
    long id = nextStreamId;
    nextStreamId += 2;
    YamuxStream stream = new YamuxStream(ctx.channel(), Direction.OUTBOUND, id, this, scope);
    try {
      stream.pipeline().addLast(request.handler());
    } catch (RuntimeException e) {
      scope.close(); // a handler that cannot be added (a non-sharable one reused): the stream never was
      request.opened().completeExceptionally(e);
      return;
    }
    streams.put(id, stream);
    countStreams();
    stream.awaitAck(true);
    unacked++;
    writeWindowUpdate(id, YamuxFrame.FLAG_SYN, 0);
    ctx.flush();
    ctx.channel().eventLoop().register(stream).addListener(f -> {
      if (f.isSuccess()) {
        request.opened().complete(stream);
      } else {
        streams.remove(id, stream);
        countStreams();
        scope.close();
        request.opened().completeExceptionally(f.cause());
      }
    });
  }

  /**
   * Counts a new stream in the host's resource manager with its initial receive window reserved,
   * since the remote may fill that at once.
   *
   * @throws LimitExceededException if there is no room for the stream or its window
   */
  private StreamScope streamScope(Direction direction) {
    StreamScope scope = parameters.streamScopes().open(direction);
    try {
      scope.reserveMemory(INITIAL_WINDOW);
    } catch (LimitExceededException e) {
      scope.close();
      throw e;
    }
    return scope;
  }

  private int countOutbound() {
    int count = 0;
    for (YamuxStream stream : streams.values()) {
      if (stream.direction() == Direction.OUTBOUND) {
        count++;
      }
    }
    return count;
  }

  // ---- writing ----

  void writeData(long streamId, int flags, ByteBuf data) {
    ByteBuf header = ctx.alloc().buffer(YamuxFrame.HEADER_LENGTH);
    YamuxFrame.writeHeader(header, YamuxFrame.TYPE_DATA, flags, streamId, data.readableBytes());
    ctx.write(header, ctx.voidPromise());
    ctx.write(data, ctx.voidPromise());
  }

  void writeWindowUpdate(long streamId, int flags, long delta) {
    writeControl(YamuxFrame.TYPE_WINDOW_UPDATE, flags, streamId, delta);
  }

  private void writeControl(int type, int flags, long streamId, long value) {
    ByteBuf header = ctx.alloc().buffer(YamuxFrame.HEADER_LENGTH);
    YamuxFrame.writeHeader(header, type, flags, streamId, value);
    ctx.write(header, ctx.voidPromise());
  }

  /**
   * Writes and flushes a control frame the peer's frames call for, unless the peer leaves its
   * answers unread: then {@link #REPLIES} closes the connection instead.
   */
  private void reply(int type, int flags, long streamId, long value) {
    if (REPLIES.admit(ctx)) {
      writeControl(type, flags, streamId, value);
      ctx.flush();
    }
  }

  private void ping() {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (pingSentNanos != 0) {
      // The previous ping went a whole interval without an answer: the peer or the path is gone.
      log.debug("yamux peer {} did not answer a keepalive ping within {}; closing", ctx.channel(), keepAlive);
      ctx.channel().close();
      return;
    }
    pingId++;
    pingSentNanos = System.nanoTime();
    writeControl(YamuxFrame.TYPE_PING, YamuxFrame.FLAG_SYN, 0, pingId & 0xffffffffL);
    ctx.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      for (YamuxStream stream : new ArrayList<>(streams.values())) {
        stream.resumeWrites();
      }
    }
    super.channelWritabilityChanged(ctx);
  }

  /** Closing from this side says GoAway first, as the spec asks. */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!goAwaySent && ctx.channel().isActive()) {
      goAwaySent = true;
      writeControl(YamuxFrame.TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_NORMAL);
      ctx.flush();
    }
    ctx.close(promise);
  }

  // ---- reading ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    YamuxFrame frame = (YamuxFrame) msg;
    if (!ctx.channel().isActive()) {
      // Closed for a protocol error or a limit: the rest of the read is not looked at.
      release(frame);
      return;
    }
    switch (frame.type()) {
      case YamuxFrame.TYPE_PING -> onPing(frame);
      case YamuxFrame.TYPE_GO_AWAY -> onGoAway(frame);
      default -> onStreamFrame(frame);
    }
  }

  private void onPing(YamuxFrame frame) {
    if (frame.has(YamuxFrame.FLAG_SYN)) {
      reply(YamuxFrame.TYPE_PING, YamuxFrame.FLAG_ACK, 0, frame.length());
    } else if (frame.has(YamuxFrame.FLAG_ACK) && frame.length() == (pingId & 0xffffffffL) && pingSentNanos != 0) {
      roundTripNanos = System.nanoTime() - pingSentNanos;
      pingSentNanos = 0;
    }
  }

  private void onGoAway(YamuxFrame frame) {
    remoteGoneAway = true;
    if (frame.length() != YamuxFrame.GO_AWAY_NORMAL) {
      log.debug("yamux peer {} went away with error code {}", ctx.channel(), frame.length());
    }
    while (!pendingOpens.isEmpty()) {
      pendingOpens.poll().opened().completeExceptionally(new IllegalStateException("the remote yamux session went away"));
    }
  }

  private void onStreamFrame(YamuxFrame frame) {
    long id = frame.streamId();
    YamuxStream stream = streams.get(id);
    if (frame.has(YamuxFrame.FLAG_SYN)) {
      if (stream != null || id == 0 || !openedByRemote(id)) {
        release(frame);
        protocolError("SYN for stream " + id + ", which is " + (stream != null ? "already open" : "not the remote's to open"));
        return;
      }
      stream = accept(id);
      if (stream == null) {
        release(frame);
        return;
      }
    }
    if (stream == null) {
      release(frame); // a stream already forgotten, or never opened: dropped
      return;
    }
    if (frame.has(YamuxFrame.FLAG_ACK) && stream.awaitingAck()) {
      stream.awaitAck(false);
      unacked--;
      while (unacked < MAX_UNACKED && !pendingOpens.isEmpty()) {
        open(pendingOpens.poll());
      }
    }
    if (frame.type() == YamuxFrame.TYPE_WINDOW_UPDATE) {
      stream.grant(frame.length());
    } else if (frame.data() != null && frame.data().isReadable()) {
      if (!stream.receive(frame.data())) {
        protocolError("stream " + id + " received more than its receive window");
        return;
      }
    } else {
      release(frame);
    }
    if (frame.has(YamuxFrame.FLAG_RST)) {
      stream.onReset("the remote reset yamux stream " + id);
    } else if (frame.has(YamuxFrame.FLAG_FIN)) {
      stream.onRemoteClose();
    }
  }

  private boolean openedByRemote(long id) {
    boolean odd = (id & 1) == 1;
    // The dialer's streams are odd; so the remote opens odd ones exactly when we listened.
    return odd == (parameters.direction() == Direction.INBOUND);
  }

  private YamuxStream accept(long id) {
    if (goAwaySent || drain.isDraining()) {
      // Closing: the remote's opens cross our goodbye, and are no misbehaviour.
      reply(YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_RST, id, 0);
      return null;
    }
    if (streams.size() - countOutbound() >= maxStreams) {
      // Reported as a refused limit, which the host logs at INFO (at most a line a second).
      ctx.fireUserEventTriggered(new LimitExceededException(
          "yamux: refused stream " + id + ", past the " + maxStreams + " streams the peer may have open"));
      refuse(id);
      return null;
    }
    StreamScope scope;
    try {
      scope = streamScope(Direction.INBOUND);
    } catch (LimitExceededException e) {
      log.debug("refused yamux stream {} on {}: {}", id, ctx.channel(), e.getMessage());
      refuse(id);
      return null;
    }
    refusedOpens.accepted();
    YamuxStream stream = new YamuxStream(ctx.channel(), Direction.INBOUND, id, this, scope);
    streams.put(id, stream);
    countStreams();
    try {
      parameters.inboundStreams().streamOpened(stream);
    } catch (RuntimeException e) {
      log.warn("inbound stream handler failed; resetting {}", stream, e);
      streams.remove(id);
      countStreams();
      scope.close();
      reply(YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_RST, id, 0);
      return null;
    }
    // Accepted at once: acknowledge it, so the remote's ACK backlog never fills on our account.
    // Registered even if the connection closes instead: its close then reaches the stream.
    reply(YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_ACK, id, 0);
    ctx.channel().eventLoop().register(stream).addListener(f -> {
      if (!f.isSuccess()) {
        streams.remove(id, stream);
        countStreams();
        scope.close();
      }
    });
    return stream;
  }

  /** Resets a stream the remote opened; a remote that opens nothing but refused streams is cut off. */
  private void refuse(long id) {
    if (refusedOpens.refused()) {
      cutOff("more than " + refusedOpens.bound() + " stream opens refused in a row");
      return;
    }
    reply(YamuxFrame.TYPE_WINDOW_UPDATE, YamuxFrame.FLAG_RST, id, 0);
  }

  private static void release(YamuxFrame frame) {
    if (frame.data() != null) {
      frame.data().release();
    }
  }

  void streamClosed(YamuxStream stream, boolean fullyDone) {
    if (fullyDone) {
      streams.remove(stream.streamId(), stream);
      if (stream.awaitingAck()) {
        stream.awaitAck(false);
        unacked--;
      }
      countStreams();
      completeDrainIfEmpty();
    }
  }

  // ---- graceful close ----

  /**
   * Closes the streams first and says GoAway only as the connection closes: a js-libp2p peer
   * resets its open streams on GoAway, which would lose what they have not read yet.
   */
  @Override
  public CompletableFuture<Void> drain() {
    return drain.start(ctx, () -> {
      while (!pendingOpens.isEmpty()) {
        pendingOpens.poll().opened().completeExceptionally(new IllegalStateException("the connection is closing"));
      }
      for (YamuxStream stream : new ArrayList<>(streams.values())) {
        stream.close();
      }
    }, streams::isEmpty);
  }

  private void completeDrainIfEmpty() {
    drain.check(ctx, streams.isEmpty());
  }

  private void countStreams() {
    streamCount = streams.size();
  }

  // ---- failures and the end ----

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof YamuxFrameDecoder.YamuxProtocolException) {
      protocolError(cause.getMessage());
    } else {
      if (FatalErrors.isFatal(cause)) {
        ctx.fireExceptionCaught(cause); // to the host, which shuts down
      }
      log.debug("yamux connection {} failed; closing it", ctx.channel(), cause);
      ctx.close();
    }
  }

  /**
   * Ends the connection of a remote that keeps at what is refused, telling the host's last handler
   * (and so the event listener) of the limit, as an event, then closing as for the protocol error it is.
   */
  private void cutOff(String reason) {
    ctx.fireUserEventTriggered(new LimitExceededException("yamux: " + reason));
    protocolError(reason);
  }

  private void protocolError(String message) {
    log.warn("yamux protocol error on {}: {}; going away", ctx.channel(), message);
    if (!goAwaySent && ctx.channel().isActive()) {
      goAwaySent = true;
      reply(YamuxFrame.TYPE_GO_AWAY, 0, 0, YamuxFrame.GO_AWAY_PROTOCOL_ERROR);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (keepAliveTask != null) {
      keepAliveTask.cancel(false);
    }
    for (YamuxStream stream : new ArrayList<>(streams.values())) {
      stream.onConnectionClosed();
    }
    streams.clear();
    countStreams();
    completeDrainIfEmpty();
    while (!pendingOpens.isEmpty()) {
      pendingOpens.poll().opened().completeExceptionally(new IllegalStateException("the connection closed"));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (keepAliveTask != null) {
      keepAliveTask.cancel(false);
    }
  }
}
