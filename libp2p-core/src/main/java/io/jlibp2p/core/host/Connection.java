package io.jlibp2p.core.host;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Optional;
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

  /**
   * What this connection may carry if it is limited, as a connection through a circuit relay is
   * by the relay's grant; empty for a direct connection. On a limited connection the host serves
   * only the protocols whose handlers {@linkplain StreamHandler#runsOnLimitedConnections() say
   * they may run there}, such as ping and identify.
   */
  Optional<ConnectionLimit> limit();

  /** The negotiated secure channel, such as {@code /noise}. */
  String securityProtocol();

  /** The negotiated stream muxer, such as {@code /yamux/1.0.0}. */
  String muxerProtocol();

  /**
   * Whether both sides agreed on the muxer inside the security handshake (noise's {@code
   * stream_muxers}, TLS's ALPN), which saves the round trip of a multistream negotiation.
   */
  boolean muxerAgreedInHandshake();

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

  /**
   * Closes the connection gracefully: no new streams either way, each open stream is closed once
   * what was written to it is sent, and once the remote has ended them too (or the host's {@linkplain
   * Host.Builder#closeGracePeriod grace period} has passed) the socket closes. Nothing written
   * before is lost unless the grace period runs out. Calling it again returns the same future.
   *
   * @return completes when the connection has closed
   */
  CompletableFuture<Void> closeAsync();

  /**
   * Closes the connection at once: the streams on it see a reset, and writes still pending fail.
   * Also cuts short a graceful close under way.
   */
  CompletableFuture<Void> closeNow();

  /**
   * {@link #closeAsync()}, and waits for it.
   *
   * @throws IllegalStateException on a Netty thread (a stream handler, an event listener), where
   *     the wait would block the event loop the close needs; use {@link #closeAsync()} there
   */
  @Override
  default void close() {
    closeAsync().join();
  }
}
