package io.jlibp2p.core.host;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.concurrent.CompletableFuture;

/**
 * An upgraded connection to one peer: secured, multiplexed, carrying streams. Thread-safe.
 */
public interface Connection extends AutoCloseable {

  /** Why a connection closed, as {@link EventListener#connectionClosed} reports it. */
  enum CloseReason {
    /** This side closed it: the application, or its host while closing. */
    LOCAL,
    /** The remote closed it, or the transport lost it. */
    REMOTE
  }

  /** This host's peer ID. */
  PeerId localPeer();

  /** The peer the secure channel proved is at the other end. */
  PeerId remotePeer();

  /** The key the remote proved it holds in the secure channel handshake. */
  PublicKey remotePublicKey();

  /** This side's address of the connection, without {@code /p2p}. */
  Multiaddr localAddress();

  /** The remote's address of the connection, without {@code /p2p}. */
  Multiaddr remoteAddress();

  /** {@link Direction#OUTBOUND} if this side dialed. */
  Direction direction();

  /** The negotiated secure channel, such as {@code /noise}. */
  String securityProtocol();

  /** The negotiated stream muxer, such as {@code /yamux/1.0.0}. */
  String muxerProtocol();

  /**
   * What the remote said in identify, which every host runs on every new connection. Nothing
   * waits for it unless asked to: {@code connection.identify().thenCompose(info -> ...)}.
   */
  CompletableFuture<IdentifyInfo> identify();

  /** The streams open on it now. */
  int openStreams();

  /** Whether it is still open. */
  boolean isOpen();

  /** Completes when the connection has closed, for whatever reason. */
  CompletableFuture<Void> closeFuture();

  /** Closes the connection and every stream on it. */
  CompletableFuture<Void> closeAsync();

  @Override
  default void close() {
    closeAsync().join();
  }
}
