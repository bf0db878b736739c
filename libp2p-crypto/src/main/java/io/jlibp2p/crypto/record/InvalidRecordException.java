package io.jlibp2p.crypto.record;

import io.jlibp2p.multiformats.DecodingException;

/**
 * A signed envelope or the record inside it that must not be trusted: malformed, signed for
 * another domain, signed by a key that does not verify, or naming a peer other than its signer.
 */
public class InvalidRecordException extends DecodingException {

  /** Creates an exception whose message says what is wrong with the record. */
  public InvalidRecordException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public InvalidRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
