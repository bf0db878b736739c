package io.jlibp2p.core.host;

import io.jlibp2p.core.muxer.Stream;
import java.util.Objects;

/**
 * Serves one application protocol: called on the stream's event loop once the protocol is
 * negotiated, before the stream's first application byte is read. Add the protocol's handlers to
 * {@code stream.pipeline()} here; bytes that came with the negotiation reach them.
 *
 * <pre>{@code
 * host.setStreamHandler("/echo/1.0.0", stream -> stream.pipeline().addLast(EchoHandler.INSTANCE));
 * }</pre>
 *
 * <p>A {@linkplain Connection#limit() limited connection}, such as one through a relay, carries
 * the protocols whose handlers {@linkplain #runsOnLimitedConnections() say they may}: the relay
 * pays for every byte, so a bulk protocol should not run there by accident (go and js draw the
 * same line). Wrap a handler in {@link #onLimitedConnectionsToo} to serve it there as well.
 */
@FunctionalInterface
public interface StreamHandler {

  /** Sets up {@code stream}, whose {@link Stream#protocol()} is the negotiated protocol. Must not block. */
  void handle(Stream stream);

  /**
   * Whether the protocol is also served on limited connections; {@code false} by default, so a
   * remote proposing it there is told the protocol is not available.
   */
  default boolean runsOnLimitedConnections() {
    return false;
  }

  /**
   * {@code handler}, serving on limited connections too: for small protocols a relayed peer needs,
   * such as ping, identify and a hole punch's coordination.
   */
  static StreamHandler onLimitedConnectionsToo(StreamHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return new StreamHandler() {
      @Override
      public void handle(Stream stream) {
        handler.handle(stream);
      }

      @Override
      public boolean runsOnLimitedConnections() {
        return true;
      }
    };
  }
}
