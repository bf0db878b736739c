package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * How a secure channel's handshake stands, for its fuzz targets. For tests; part of libp2p-core's
 * test-jar.
 */
public enum HandshakeOutcome {
  /** Still waiting for the peer. */
  RUNNING,
  /** Completed: the session is established. */
  SUCCEEDED,
  /** Failed with the handler's declared exception, its channel closed. */
  FAILED;

  /**
   * How the handshake whose result is {@code session} stands. A failure must be the handler's own
   * {@link SecurityHandshakeException} with a message ({@link SecureChannelFuzzing#assertDeclared}),
   * and its channel closed.
   */
  public static HandshakeOutcome of(CompletableFuture<SecureSession> session, EmbeddedChannel channel) {
    if (!session.isDone()) {
      return RUNNING;
    }
    try {
      session.join();
      return SUCCEEDED;
    } catch (CompletionException e) {
      SecureChannelFuzzing.assertDeclared(SecurityHandshakeException.class, e.getCause());
      assertFalse(channel.isOpen(), "a failed handshake must close its channel");
      return FAILED;
    }
  }
}
