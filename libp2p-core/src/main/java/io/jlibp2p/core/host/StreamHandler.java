package io.jlibp2p.core.host;

import io.jlibp2p.core.muxer.Stream;

/**
 * Serves one application protocol: called on the stream's event loop once the protocol is
 * negotiated, before the stream's first application byte is read. Add the protocol's handlers to
 * {@code stream.pipeline()} here; bytes that came with the negotiation reach them.
 *
 * <pre>{@code
 * host.setStreamHandler("/echo/1.0.0", stream -> stream.pipeline().addLast(EchoHandler.INSTANCE));
 * }</pre>
 */
@FunctionalInterface
public interface StreamHandler {

  /** Sets up {@code stream}, whose {@link Stream#protocol()} is the negotiated protocol. Must not block. */
  void handle(Stream stream);
}
