package io.jlibp2p.core.transport;

import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A transport listening on one address. Closing it stops accepting; open connections stay. */
public interface TransportListener extends AutoCloseable {

  /**
   * The addresses it is bound to, with real values for anything the request left open: a request
   * for port 0 reports the port the system chose.
   */
  List<Multiaddr> addresses();

  /** Stops accepting connections; completes when the listening socket is closed. */
  CompletableFuture<Void> closeAsync();

  /** Stops accepting connections and waits until the listening socket is closed. */
  @Override
  default void close() {
    closeAsync().join();
  }
}
