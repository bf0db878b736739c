package io.jlibp2p.core.security;

import io.jlibp2p.core.Libp2pException;

/**
 * A secure channel handshake failed: the peer sent malformed or unverifiable handshake data, or
 * the connection ended during the handshake. The connection is closed.
 */
public class SecurityHandshakeException extends Libp2pException {

  /** Creates an exception naming the secure channel protocol and what went wrong. */
  public SecurityHandshakeException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public SecurityHandshakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
