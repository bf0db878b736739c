package io.jlibp2p.transport.websocket;

import io.jlibp2p.core.transport.TransportException;

/**
 * The WebSocket under a connection failed: its HTTP upgrade was refused or timed out, or the peer
 * broke the protocol's rules or this transport's limits (a text frame, an oversized message). The
 * message says which, and the connection is closed.
 */
public class WebSocketException extends TransportException {

  /** Creates an exception saying what went wrong. */
  public WebSocketException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public WebSocketException(String message, Throwable cause) {
    super(message, cause);
  }
}
