package io.jlibp2p.core.muxer;

import io.netty.channel.ChannelHandler;
import java.util.concurrent.CompletableFuture;

/**
 * A stream multiplexer such as yamux or mplex: turns one secured connection into many streams.
 * Each implementation is its own module.
 *
 * <p>The upgrader negotiates {@link #protocolId()}, then adds {@link Session#handler()} at the end
 * of the secured connection's pipeline.
 */
public interface StreamMuxer {

  /** The protocol ID negotiated for it, such as {@code /yamux/1.0.0}. */
  String protocolId();

  /** Starts a session for one connection. */
  Session newSession(MuxerParameters parameters);

  /** One connection's multiplexing. */
  interface Session {

    /** The handler to add to the connection's pipeline; for this session only. */
    ChannelHandler handler();

    /**
     * Opens a stream. {@code streamHandler} is added to the stream's pipeline before the stream's
     * first read, so nothing the remote sends is missed.
     *
     * @return the stream, or a failure if the connection is closed or the stream limit is reached
     */
    CompletableFuture<Stream> openStream(ChannelHandler streamHandler);

    /** The number of streams currently open. */
    int openStreams();

    /**
     * Begins a graceful close: refuses new streams from either side from now on, closes every
     * open stream as {@link Stream#close()} does (what was written goes out first, then the close
     * frame), and completes once no stream is left, each also ended by the remote (or reset), or
     * the connection closed. The caller closes the connection then; a muxer with a goodbye frame
     * (yamux's GoAway) sends it as the connection closes. Safe to call from any thread, and again.
     */
    CompletableFuture<Void> drain();
  }
}
