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
  }
}
