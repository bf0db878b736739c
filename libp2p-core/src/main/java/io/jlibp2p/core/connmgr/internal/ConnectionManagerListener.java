package io.jlibp2p.core.connmgr.internal;

/**
 * Told of each connection {@link DefaultConnectionManager} closes, so that the host can report it
 * (an event, a log line). Called on the thread that called the manager, just before the
 * connection's {@link ManagedConnection#close()}, with no lock of the manager held. An exception
 * it throws is logged and does not keep the connection open.
 */
@FunctionalInterface
public interface ConnectionManagerListener {

  /** Ignores everything. */
  ConnectionManagerListener NONE = (connection, reason) -> {};

  /** Why the manager closes a connection. */
  enum Reason {
    /** The host held more connections than the high watermark, and this peer was worth least. */
    TRIMMED,
    /** It had no open stream for the configured idle timeout. */
    IDLE
  }

  /** The manager is about to close {@code connection}. */
  void closing(ManagedConnection connection, Reason reason);
}
