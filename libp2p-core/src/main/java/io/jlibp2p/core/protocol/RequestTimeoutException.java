package io.jlibp2p.core.protocol;

import io.jlibp2p.core.Libp2pException;

/**
 * A request got no whole response in the time allowed: the message names the protocol, the peer
 * and the time. The stream, if one was opened, is reset.
 */
public final class RequestTimeoutException extends Libp2pException {

  /** Creates an exception saying what went unanswered. */
  public RequestTimeoutException(String message) {
    super(message);
  }
}
