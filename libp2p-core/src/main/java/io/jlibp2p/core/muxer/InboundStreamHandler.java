package io.jlibp2p.core.muxer;

/**
 * Receives each stream the remote opens, on the connection's event loop and before the stream's
 * first read: the place to add its handlers (the stream's protocol negotiation, in a host).
 */
@FunctionalInterface
public interface InboundStreamHandler {

  /** Sets up {@code stream}'s pipeline. Must not block. */
  void streamOpened(Stream stream);
}
