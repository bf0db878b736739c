package io.jlibp2p.multiformats;


/** Input that does not decode as a multiaddr; the message names the offending component. */
public final class InvalidMultiaddrException extends DecodingException {

  /** Creates an exception whose message describes the malformed input. */
  public InvalidMultiaddrException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidMultiaddrException(String message, Throwable cause) {
    super(message, cause);
  }
}
