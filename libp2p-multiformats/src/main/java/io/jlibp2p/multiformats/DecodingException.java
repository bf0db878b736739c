package io.jlibp2p.multiformats;

/**
 * Bytes or text that do not decode as the format they claim to be: truncated, oversized, of an
 * unknown code, or otherwise malformed. Every decoder in jlibp2p throws a subclass of this, never
 * an index-out-of-bounds or another runtime error from deep inside.
 *
 * <p>Unchecked, so that it travels through {@link java.util.concurrent.CompletableFuture} and Netty
 * pipelines unchanged. It is the root of decoding failures in every layer, from varints up to the
 * protocols' messages; the other failures of jlibp2p extend {@code io.jlibp2p.core.Libp2pException}.
 */
public class DecodingException extends RuntimeException {

  /** Creates an exception whose message names the format and the offending part of the input. */
  public DecodingException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the lower-level failure that caused it. */
  public DecodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
