package io.jlibp2p.core.transport;

import io.jlibp2p.core.Libp2pException;

/**
 * A transport could not dial or listen: the address is unsupported, the peer refused or did not
 * answer in time, or the local address is taken. The message names the address.
 */
public class TransportException extends Libp2pException {

  /** Creates an exception whose message names the address and what went wrong. */
  public TransportException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the I/O failure that caused it. */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
