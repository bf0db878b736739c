package io.jlibp2p.multiformats;


/** Input that does not decode as a multibase string: an unknown prefix character, a character outside the alphabet, or bad padding. */
public final class InvalidMultibaseException extends DecodingException {

  /** Creates an exception whose message describes the malformed input. */
  public InvalidMultibaseException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidMultibaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
