package io.jlibp2p.core.muxer;

import io.jlibp2p.core.Libp2pException;

/**
 * A stream ended abruptly: the remote reset it, this side reset it for exceeding a limit, or the
 * connection under it closed. Delivered to the stream's pipeline through {@code exceptionCaught},
 * after which the stream is closed.
 */
public final class StreamResetException extends Libp2pException {

  /** Creates an exception saying who reset the stream and why. */
  public StreamResetException(String message) {
    super(message);
  }
}
