package io.jlibp2p.core.transport;

import io.jlibp2p.multiformats.Multiaddr;
import java.util.concurrent.CompletableFuture;

/**
 * A way to reach peers, such as TCP. Each implementation is its own module and reports the raw
 * connections it makes and accepts to a {@link RawConnectionHandler}; the upgrader then secures and
 * multiplexes them.
 *
 * <p>Implementations are thread-safe. {@link #close()} closes every listener and connection the
 * transport made and releases its threads.
 */
public interface Transport extends AutoCloseable {

  /**
   * Called by the host that owns this transport, once, before any dial or listen. A transport
   * that secures its connections itself (QUIC) takes the host's identity from {@code context};
   * others need nothing from it.
   *
   * @throws IllegalStateException if the transport belongs to another host already
   */
  default void attach(TransportContext context) {}

  /** Whether this transport can dial {@code address}, e.g. {@code /ip4/1.2.3.4/tcp/4001}. */
  boolean canDial(Multiaddr address);

  /** Whether this transport can listen on {@code address}. */
  boolean canListen(Multiaddr address);

  /**
   * Connects to {@code address}. {@code handler} sees the connection before its first read; the
   * future completes after that.
   *
   * @return the connection, or a failure with a {@link TransportException} naming the address
   */
  CompletableFuture<RawConnection> dial(Multiaddr address, RawConnectionHandler handler);

  /**
   * Listens on {@code address}; {@code handler} sees each accepted connection before its first
   * read.
   *
   * @return the listener, or a failure with a {@link TransportException} naming the address
   */
  CompletableFuture<TransportListener> listen(Multiaddr address, RawConnectionHandler handler);

  /**
   * Closes every listener and connection of this transport and stops its threads, waiting for
   * them. Must not be called from one of the transport's own threads.
   */
  @Override
  void close();
}
