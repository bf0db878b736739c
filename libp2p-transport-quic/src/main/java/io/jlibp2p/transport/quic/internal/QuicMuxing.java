package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.SessionDrain;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.resource.StreamScope;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QUIC connection's multiplexing, as the host's {@link StreamMuxer.Session}: each QUIC
 * bidirectional stream becomes a {@link QuicStream}. QUIC itself limits how many streams the
 * remote may open (its transport parameters); the host's resource manager counts each one too,
 * and a stream it refuses is reset. Streams the remote opens before the host has started the
 * session wait, not reading, until it has. Everything runs on the connection's event loop.
 */
public final class QuicMuxing implements StreamMuxer, StreamMuxer.Session {

  /** What the connection reports as its muxer. */
  public static final String PROTOCOL_ID = "quic-v1";

  private static final Logger log = LoggerFactory.getLogger(QuicMuxing.class);
  private static final AttributeKey<QuicMuxing> KEY = AttributeKey.valueOf(QuicMuxing.class, "muxing");

  private final QuicChannel channel;
  private final Set<QuicStream> streams = new HashSet<>();
  /** {@code streams}' size, for readers on other threads. */
  private volatile int openCount;
  /**
   * The QUIC streams under {@code streams} and those closed by the application but not yet ended by
   * the remote: a drain waits for these, because closing the connection discards what quiche has
   * not delivered yet, and the remote's FIN after this side's is what says it has read it all.
   */
  private final Set<QuicStreamChannel> unfinished = new HashSet<>();
  /** Streams the remote opened before {@link #newSession}; bounded by QUIC's stream limit. */
  private final Queue<QuicStreamChannel> early = new ArrayDeque<>();
  private final SessionDrain drain = new SessionDrain();
  private MuxerParameters parameters;
  private ChannelHandlerContext ctx;

  private QuicMuxing(QuicChannel channel) {
    this.channel = channel;
  }

  /** Where a QUIC channel keeps its multiplexing. */
  static AttributeKey<QuicMuxing> key() {
    return KEY;
  }

  /** Makes {@code channel}'s multiplexing, before any stream can arrive. */
  public static QuicMuxing attach(QuicChannel channel) {
    QuicMuxing muxing = new QuicMuxing(channel);
    channel.attr(KEY).set(muxing);
    return muxing;
  }

  /** Adds to each inbound QUIC stream: hands it to its connection's multiplexing. */
  @ChannelHandler.Sharable
  public static final class InboundStreams extends ChannelInboundHandlerAdapter {
    public static final InboundStreams INSTANCE = new InboundStreams();

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
      ctx.pipeline().remove(this);
      QuicStream.configure(stream);
      QuicMuxing muxing = stream.parent().attr(KEY).get();
      if (muxing == null || stream.type() != QuicStreamType.BIDIRECTIONAL) {
        // libp2p uses bidirectional streams only.
        stream.shutdown(0);
        stream.close();
        return;
      }
      muxing.inbound(stream);
    }
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Session newSession(MuxerParameters parameters) {
    if (this.parameters != null) {
      throw new IllegalStateException("a QUIC connection has one session");
    }
    this.parameters = parameters;
    return this;
  }

  @Override
  public ChannelHandler handler() {
    return new ChannelHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        context.channel().closeFuture().addListener(closed -> drain.check(ctx, true));
        while (!early.isEmpty()) {
          inbound(early.poll());
        }
      }
    };
  }

  private void inbound(QuicStreamChannel quic) {
    if (ctx == null) {
      early.add(quic);
      return;
    }
    if (drain.isDraining()) {
      quic.shutdown(0);
      quic.close();
      return;
    }
    StreamScope scope;
    try {
      scope = parameters.streamScopes().open(Direction.INBOUND);
    } catch (LimitExceededException e) {
      log.debug("refused QUIC stream {} on {}: {}", quic.streamId(), channel, e.getMessage());
      quic.shutdown(0);
      quic.close();
      return;
    }
    QuicStream stream = new QuicStream(quic, Direction.INBOUND, scope, this);
    track(quic);
    streams.add(stream);
    openCount = streams.size();
    try {
      parameters.inboundStreams().streamOpened(stream);
    } catch (RuntimeException e) {
      log.warn("inbound stream handler failed; resetting {}", stream, e);
      streams.remove(stream);
      openCount = streams.size();
      scope.close();
      quic.shutdown(0);
      quic.close();
      return;
    }
    register(stream, quic, null);
  }

  @Override
  public CompletableFuture<Stream> openStream(ChannelHandler streamHandler) {
    CompletableFuture<Stream> opened = new CompletableFuture<>();
    channel.eventLoop().execute(() -> {
      if (!channel.isActive() || drain.isDraining()) {
        opened.completeExceptionally(new IllegalStateException("the QUIC connection is closing"));
        return;
      }
      if (channel.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) <= 0) {
        opened.completeExceptionally(new LimitExceededException(
            "quic: the remote allows no more streams now (its limit of open streams is reached)"));
        return;
      }
      StreamScope scope;
      try {
        scope = parameters.streamScopes().open(Direction.OUTBOUND);
      } catch (LimitExceededException e) {
        opened.completeExceptionally(e);
        return;
      }
      channel.newStreamBootstrap()
          .type(QuicStreamType.BIDIRECTIONAL)
          .handler(new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel quic) {
              QuicStream.configure(quic); // as it registers, before its first read
            }
          })
          .create()
          .addListener(created -> outboundCreated(created, scope, streamHandler, opened));
    });
    return opened;
  }

  private void outboundCreated(
      Future<? super QuicStreamChannel> created, StreamScope scope, ChannelHandler streamHandler, CompletableFuture<Stream> opened) {
    if (!created.isSuccess()) {
      scope.close();
      opened.completeExceptionally(created.cause());
      return;
    }
    QuicStreamChannel quic = (QuicStreamChannel) created.getNow();
    QuicStream stream = new QuicStream(quic, Direction.OUTBOUND, scope, this);
    track(quic);
    try {
      stream.pipeline().addLast(streamHandler);
    } catch (RuntimeException e) {
      scope.close();
      quic.close();
      opened.completeExceptionally(e);
      return;
    }
    streams.add(stream);
    openCount = streams.size();
    register(stream, quic, opened);
  }

  private void register(QuicStream stream, QuicStreamChannel quic, CompletableFuture<Stream> opened) {
    channel.eventLoop().register(stream).addListener(registered -> {
      if (registered.isSuccess()) {
        stream.start();
        if (opened != null) {
          opened.complete(stream);
        }
      } else {
        streamClosed(stream);
        stream.scope().close();
        quic.shutdown(0);
        quic.close();
        if (opened != null) {
          opened.completeExceptionally(registered.cause());
        }
      }
    });
  }

  /** Counts {@code quic} as unfinished until its channel closes: FIN both ways, or a reset. */
  private void track(QuicStreamChannel quic) {
    unfinished.add(quic);
    quic.closeFuture().addListener(closed -> {
      unfinished.remove(quic);
      if (ctx != null) {
        drain.check(ctx, unfinished.isEmpty());
      }
    });
  }

  /** A stream's channel closed; its QUIC stream may still be waiting for the remote's end. */
  void streamClosed(QuicStream stream) {
    if (streams.remove(stream)) {
      openCount = streams.size();
    }
  }

  @Override
  public int openStreams() {
    return openCount;
  }

  @Override
  public CompletableFuture<Void> drain() {
    return drain.start(ctx, () -> {
      for (QuicStream stream : new ArrayList<>(streams)) {
        stream.close();
      }
    }, unfinished::isEmpty);
  }
}
