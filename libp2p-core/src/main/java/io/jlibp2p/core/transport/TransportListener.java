package io.jlibp2p.core.transport;

import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A transport listening on one address. Closing it stops accepting; open connections stay. A
 * listener may also end by itself, as a relay reservation does when the relay goes away: {@link
 * #closeFuture()} tells.
 */
public interface TransportListener extends AutoCloseable {

  /**
   * The addresses it is bound to, with real values for anything the request left open: a request
   * for port 0 reports the port the system chose.
   */
  List<Multiaddr> addresses();

  /**
   * Completes when the listener has stopped: closed, or ended by itself; exceptionally, with the
   * reason, when it ended by itself because something failed.
   */
  CompletableFuture<Void> closeFuture();

  /** Stops accepting connections; completes when the listening socket is closed. */
  CompletableFuture<Void> closeAsync();

  /** Stops accepting connections and waits until the listening socket is closed. */
  @Override
  default void close() {
    closeAsync().join();
  }
}
