package io.jlibp2p.multiformats;


/** Input that does not decode as an unsigned varint: truncated, longer than 9 bytes, or not minimally encoded. */
public final class InvalidVarintException extends DecodingException {

  /** Creates an exception whose message describes the malformed input. */
  public InvalidVarintException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidVarintException(String message, Throwable cause) {
    super(message, cause);
  }
}
