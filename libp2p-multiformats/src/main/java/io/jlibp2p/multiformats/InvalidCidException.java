package io.jlibp2p.multiformats;


/** Input that does not decode as a CID: an unsupported version, a bad multibase prefix or a malformed multihash. */
public final class InvalidCidException extends DecodingException {

  /** Creates an exception whose message describes the malformed input. */
  public InvalidCidException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidCidException(String message, Throwable cause) {
    super(message, cause);
  }
}
