package io.jlibp2p.core.blocking;

import io.jlibp2p.core.blocking.internal.HandlerThreads;
import io.jlibp2p.core.blocking.internal.StreamBridge;
import io.jlibp2p.core.blocking.internal.ThreadedStreamHandler;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.util.AttributeKey;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Blocking streams: a protocol written the way a socket client is, one thread per stream, on
 * virtual threads where the JDK has them (21 and later).
 *
 * <pre>{@code
 * host.setStreamHandler("/echo/1.0.0", BlockingStreams.handler(stream -> {
 *   stream.inputStream().transferTo(stream.outputStream());
 * }));
 * }</pre>
 *
 * <p>Serving: {@link #handler(BlockingStreamHandler)} runs the handler for each inbound stream on a
 * new virtual thread, or, before Java 21, on a shared pool of at most {@value
 * HandlerThreads#MAX_PLATFORM_THREADS} platform threads, which resets streams that come while all of
 * them are busy (a blocked thread per stream is what a platform thread cannot afford by the
 * thousand). {@link #handler(BlockingStreamHandler, Executor)} takes an executor of your own.
 *
 * <p>Opening: {@link #open(Host, PeerId, String...)} and its siblings complete with the stream
 * once its protocol is chosen; wait for them on a thread of your own, never a Netty one.
 */
public final class BlockingStreams {

  private static final AttributeKey<BlockingStream> BLOCKING = AttributeKey.valueOf(BlockingStreams.class, "blocking");

  private BlockingStreams() {}

  /** A stream handler that serves each stream with {@code handler}, on a thread of its own. */
  public static StreamHandler handler(BlockingStreamHandler handler) {
    return handler(handler, HandlerThreads.shared());
  }

  /**
   * A stream handler that serves each stream with {@code handler} on {@code executor}; a stream the
   * executor refuses is reset. An executor that queues streams behind busy ones makes them wait
   * for streams that may never end: give it threads enough, or a bound it refuses past.
   */
  public static StreamHandler handler(BlockingStreamHandler handler, Executor executor) {
    return new ThreadedStreamHandler(Objects.requireNonNull(handler, "handler"), Objects.requireNonNull(executor, "executor"));
  }

  /** Opens a stream to {@code peer} on the first of {@code protocols} it supports, as {@link Host#newStream(PeerId, String...)}. */
  public static CompletableFuture<BlockingStream> open(Host host, PeerId peer, String... protocols) {
    return host.newStream(peer, BlockingStreams::attach, protocols).thenApply(BlockingStreams::attach);
  }

  /** Opens a stream on {@code connection}, as {@link Host#newStream(Connection, String...)}. */
  public static CompletableFuture<BlockingStream> open(Host host, Connection connection, String... protocols) {
    return host.newStream(connection, BlockingStreams::attach, protocols).thenApply(BlockingStreams::attach);
  }

  /** Opens a stream, dialing {@code address} if there is no connection, as {@link Host#newStream(Multiaddr, String...)}. */
  public static CompletableFuture<BlockingStream> open(Host host, Multiaddr address, String... protocols) {
    // The stream comes unread, holding its first bytes until the view asks for them.
    return host.newStream(address, protocols).thenApply(BlockingStreams::attach);
  }

  /**
   * The blocking view of {@code stream}, made on the first call: the stream's last handler from
   * then on, reading everything. Call it from the stream's handler, or on a stream that {@code
   * newStream} handed out unread; a stream that was reading with handlers of its own must not be
   * attached.
   */
  public static BlockingStream attach(Stream stream) {
    BlockingStream existing = stream.attr(BLOCKING).get();
    if (existing != null) {
      return existing;
    }
    StreamBridge bridge = new StreamBridge(stream);
    BlockingStream made = new BlockingStream(bridge);
    BlockingStream raced = stream.attr(BLOCKING).setIfAbsent(made);
    if (raced != null) {
      return raced;
    }
    stream.pipeline().addLast("blocking-stream", bridge);
    bridge.noticeIfClosed();
    return made;
  }

  /** Whether {@link #handler(BlockingStreamHandler)} runs handlers on virtual threads on this JDK. */
  public static boolean virtualThreads() {
    return HandlerThreads.virtual();
  }
}
