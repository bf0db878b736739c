package io.jlibp2p.multiformats;


/** Input that does not decode as a multihash: an unsupported function code, a truncated digest, or a digest of the wrong length. */
public final class InvalidMultihashException extends DecodingException {

  /** Creates an exception whose message describes the malformed input. */
  public InvalidMultihashException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidMultihashException(String message, Throwable cause) {
    super(message, cause);
  }
}
