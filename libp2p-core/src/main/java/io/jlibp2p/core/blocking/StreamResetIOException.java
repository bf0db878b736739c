package io.jlibp2p.core.blocking;

import java.io.IOException;

/**
 * A {@link BlockingStream} ended abruptly: the remote reset it, the connection under it closed, or
 * this side reset it. Thrown by every read and write that follows; the cause, when there is one, is
 * the stream's {@link io.jlibp2p.core.muxer.StreamResetException}.
 */
public final class StreamResetIOException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Creates an exception saying why the stream was reset. */
  public StreamResetIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
