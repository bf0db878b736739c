package io.jlibp2p.core.identify;

import io.jlibp2p.core.Libp2pException;

/**
 * Identify with a peer failed: the stream broke or timed out, a message was malformed or too
 * large, or the peer's message contradicts what the connection proved (another public key).
 */
public class IdentifyException extends Libp2pException {

  /** Creates an exception whose message names the peer and what went wrong. */
  public IdentifyException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public IdentifyException(String message, Throwable cause) {
    super(message, cause);
  }
}
