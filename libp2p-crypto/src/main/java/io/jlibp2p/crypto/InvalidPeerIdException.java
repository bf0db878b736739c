package io.jlibp2p.crypto;

import io.jlibp2p.multiformats.DecodingException;

/**
 * Text or bytes that are not a peer ID: not base58 or a {@code libp2p-key} CID, or a multihash other
 * than identity or sha2-256.
 */
public final class InvalidPeerIdException extends DecodingException {

  /** Creates an exception whose message says what is wrong with the input. */
  public InvalidPeerIdException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidPeerIdException(String message, Throwable cause) {
    super(message, cause);
  }
}
