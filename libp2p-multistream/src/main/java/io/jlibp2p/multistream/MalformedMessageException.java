package io.jlibp2p.multistream;

import java.util.List;

/**
 * The peer sent something that is not a multistream-select 1.0 message: a length prefix that is
 * truncated or not minimal, a message over {@link Multistream#MAX_MESSAGE_LENGTH} bytes, a message
 * without its trailing newline, or the wrong header.
 */
public final class MalformedMessageException extends NegotiationException {

  /** Creates an exception whose message says what was wrong with the peer's bytes. */
  public MalformedMessageException(String message, List<String> triedProtocols) {
    super(message, triedProtocols);
  }
}
