package io.jlibp2p.core.security;

import io.jlibp2p.core.Libp2pException;

/**
 * A secured connection received data that failed authentication or broke the secure channel's
 * framing after the handshake: tampering, replay, truncation or a broken peer. The connection is
 * closed, and nothing of the failed frame is delivered.
 */
public final class SecureChannelException extends Libp2pException {

  /** Creates an exception naming the secure channel and what failed. */
  public SecureChannelException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public SecureChannelException(String message, Throwable cause) {
    super(message, cause);
  }
}
