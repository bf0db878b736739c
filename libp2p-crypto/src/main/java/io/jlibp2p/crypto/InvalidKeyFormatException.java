package io.jlibp2p.crypto;

import io.jlibp2p.multiformats.DecodingException;

/**
 * A serialized key that cannot be used: malformed protobuf or key data, an unsupported key type or
 * curve, or a key size outside what libp2p peers accept.
 */
public final class InvalidKeyFormatException extends DecodingException {

  /** Creates an exception whose message names the key type and what is wrong with it. */
  public InvalidKeyFormatException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidKeyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
