package io.jlibp2p.core.transport;

/**
 * Receives each connection a transport makes or accepts, on the connection's event loop, as soon as
 * it is connected and before its first read: the place to install the connection's handlers.
 */
@FunctionalInterface
public interface RawConnectionHandler {

  /** Sets up {@code connection}'s pipeline. Must not block: it runs on the event loop. */
  void connected(RawConnection connection);
}
