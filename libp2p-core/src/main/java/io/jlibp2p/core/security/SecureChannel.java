package io.jlibp2p.core.security;

import io.netty.channel.ChannelHandler;
import java.util.concurrent.CompletableFuture;

/**
 * A secure channel protocol such as noise, TLS or secio: authenticates the remote peer and, for
 * real ones, encrypts the connection. Each implementation is its own module (plaintext, for tests
 * and trusted networks, is in core).
 *
 * <p>The upgrader negotiates {@link #protocolId()} with multistream-select, then adds {@link
 * Handshake#handler()} to the connection's pipeline in place of the negotiator and waits for
 * {@link Handshake#session()}. The handler must pass every byte that follows the handshake, in the
 * clear, to the handlers after it, including bytes that arrive in the same read as the handshake's
 * last message; it stays in the pipeline as long as it has work to do (encryption) and may leave
 * it when it has none (plaintext).
 */
public interface SecureChannel {

  /** The protocol ID negotiated for it, such as {@code /noise}. */
  String protocolId();

  /** Starts a handshake for one connection. */
  Handshake handshake(HandshakeParameters parameters);

  /** One connection's handshake. */
  interface Handshake {

    /** The handshake that {@code handler} runs. */
    static Handshake of(AbstractHandshakeHandler handler) {
      return new Handshake() {
        @Override
        public ChannelHandler handler() {
          return handler;
        }

        @Override
        public CompletableFuture<SecureSession> session() {
          return handler.session();
        }
      };
    }

    /** The handler that runs the handshake and then secures the channel; for this handshake only. */
    ChannelHandler handler();

    /**
     * Completes when the remote is authenticated, or fails with a {@link
     * SecurityHandshakeException} (or its subclass {@link PeerIdMismatchException}); the channel
     * is closed on failure.
     *
     * <p>It completes on the channel's event loop, before any byte that follows the handshake is
     * passed on. Callbacks attached before the handshake starts therefore run first and can add
     * the next handlers (the muxer negotiation) to the pipeline in time.
     */
    CompletableFuture<SecureSession> session();
  }
}
