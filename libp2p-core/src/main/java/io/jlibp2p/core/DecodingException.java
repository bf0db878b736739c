package io.jlibp2p.core;

/**
 * Bytes or text that do not decode as the format they claim to be: truncated, oversized, of an
 * unknown code, or otherwise malformed. Every decoder in jlibp2p throws a subclass of this, never
 * an index-out-of-bounds or another runtime error from deep inside.
 */
public class DecodingException extends Libp2pException {

  /** Creates an exception whose message names the format and the offending part of the input. */
  public DecodingException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public DecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
