package io.jlibp2p.core;

/**
 * A configured resource limit was reached: too many streams, too much buffered data. The message
 * names the limit and its value.
 */
public final class LimitExceededException extends Libp2pException {

  /** Creates an exception naming the limit that was reached. */
  public LimitExceededException(String message) {
    super(message);
  }
}
