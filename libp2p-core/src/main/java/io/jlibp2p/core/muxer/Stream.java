package io.jlibp2p.core.muxer;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.resource.StreamScope;
import io.jlibp2p.crypto.PeerId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;

/**
 * One multiplexed stream of a connection, as a Netty {@link Channel}: any Netty codec works on it,
 * it honours {@code autoRead} and {@code read()}, and its writability follows the muxer's flow
 * control and the connection's.
 *
 * <p>Half-close: {@link #closeWrite()} ends this side's writing after what was written before it;
 * when the remote does the same, the pipeline sees {@link
 * io.netty.channel.socket.ChannelInputShutdownEvent} after the last byte, and the stream closes
 * once both directions are done. {@link #close()} ends both directions; {@link #reset()} aborts.
 * An abrupt end from the remote or the connection reaches the pipeline as a {@link
 * StreamResetException}.
 */
public interface Stream extends Channel {

  /** Where the host records the protocol negotiated on a stream. */
  AttributeKey<String> PROTOCOL = AttributeKey.valueOf(Stream.class, "protocol");

  /** Where the host records the peer at the other end of a stream. */
  AttributeKey<PeerId> REMOTE_PEER = AttributeKey.valueOf(Stream.class, "remotePeer");

  /** Where the host records the connection a stream belongs to. */
  AttributeKey<Connection> CONNECTION = AttributeKey.valueOf(Stream.class, "connection");

  /** The application protocol negotiated on this stream, or {@code null} before negotiation. */
  default String protocol() {
    return attr(PROTOCOL).get();
  }

  /** The peer at the other end, or {@code null} for a stream not made by a host. */
  default PeerId remotePeer() {
    return attr(REMOTE_PEER).get();
  }

  /** The connection this stream belongs to, or {@code null} for a stream not made by a host. */
  default Connection connection() {
    return attr(CONNECTION).get();
  }

  /**
   * The stream's resources in its host's resource manager: a protocol reserves memory from it
   * before it buffers a message ({@link StreamScope#reserveMemory}), and gives it back after. A
   * stream made without a host has an unlimited scope.
   */
  default StreamScope scope() {
    return StreamScope.UNLIMITED;
  }

  /** {@link Direction#OUTBOUND} if this side opened it. */
  Direction direction();

  /**
   * Ends this side's writing once everything written before is sent: the remote reads to EOF.
   * This side can still read.
   */
  ChannelFuture closeWrite();

  /** Aborts the stream in both directions; the remote sees a reset. Pending writes fail. */
  ChannelFuture reset();

  /** Whether the remote has ended its writing (this side has read, or will read, to EOF). */
  boolean isRemoteClosed();

  /**
   * The bytes of data handed to this stream's pipeline so far, multistream-select's messages
   * included.
   */
  long bytesRead();

  /**
   * The bytes of data this stream has handed to the muxer so far (sent, or queued to be sent),
   * multistream-select's messages included.
   */
  long bytesWritten();
}
