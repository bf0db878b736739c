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

  PeerId localPeer();

  PeerId remotePeer();

  /** The key the remote proved it holds in the secure channel handshake. */
  PublicKey remotePublicKey();

  Multiaddr localAddress();

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
