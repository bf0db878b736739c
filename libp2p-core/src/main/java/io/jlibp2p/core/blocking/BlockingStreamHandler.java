package io.jlibp2p.core.blocking;

/**
 * Serves one inbound stream of a protocol, blocking: runs on a thread of its own (a virtual thread
 * where the JDK has them), reading and writing the stream as a socket. {@link
 * BlockingStreams#handler(BlockingStreamHandler)} makes it a host's stream handler.
 *
 * <p>When it returns, the stream is closed, after what it wrote has gone out; when it throws, the
 * stream is reset.
 */
@FunctionalInterface
public interface BlockingStreamHandler {

  /** Serves {@code stream}, whose {@link BlockingStream#protocol()} is the negotiated protocol. */
  void handle(BlockingStream stream) throws Exception;
}
