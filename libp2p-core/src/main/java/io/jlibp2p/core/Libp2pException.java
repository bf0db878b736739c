package io.jlibp2p.core;

/**
 * The root of every exception jlibp2p throws on purpose.
 *
 * <p>Unchecked, so that it travels through {@link java.util.concurrent.CompletableFuture} and Netty
 * pipelines unchanged. Each subclass names one kind of failure, and its message says what happened
 * and with which input, peer or protocol.
 */
public class Libp2pException extends RuntimeException {

  /** Creates an exception with a message that explains the failure. */
  public Libp2pException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public Libp2pException(String message, Throwable cause) {
    super(message, cause);
  }
}
