package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One end of a secure channel's handshake in a fuzz target: its {@link EmbeddedChannel}, whose
 * pipeline is the handshake handler then {@code app}, the handshake's result, its peer's key, the
 * one transport message it sends once secured ({@code text}) and the one its peer sends ({@code
 * remoteText}). The arrays are the caller's and are not copied.
 *
 * <p>For tests; part of libp2p-core's test-jar.
 */
public record HandshakeSide(
    Protocol protocol,
    EmbeddedChannel channel,
    CompletableFuture<SecureSession> session,
    InboundRecorder app,
    PrivateKey remoteKey,
    byte[] text,
    byte[] remoteText) {

  /**
   * The secure channel under test: its protocol ID, what one of its transport messages is called
   * ("frame", "packet"; for failure messages), and what else a completed session of it must be
   * ({@code alsoCheck}, which asserts; the muxer it agreed on, say).
   */
  public record Protocol(String id, String unit, Consumer<SecureSession> alsoCheck) {}

  /** How this side's handshake stands ({@link HandshakeOutcome#of}). */
  public HandshakeOutcome outcome() {
    return HandshakeOutcome.of(session, channel);
  }

  /** Sends this side's transport message, once its handshake is done and its connection is up. */
  public void sendIfSecured() {
    if (outcome() == HandshakeOutcome.SUCCEEDED && channel.isOpen()) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(text));
    }
  }

  /**
   * Whatever happened to the wire: a completed handshake names the protocol and the right peer
   * (and passes the protocol's own check), what reached the application is the other side's
   * message and nothing else, and every exception that did is the declared {@link
   * SecureChannelException}, its channel closed.
   */
  public void checkSoFar() {
    if (outcome() == HandshakeOutcome.SUCCEEDED) {
      SecureSession established = session.join();
      assertEquals(protocol.id(), established.protocolId());
      assertEquals(PeerId.fromPublicKey(remoteKey.publicKey()), established.remotePeer());
      assertEquals(remoteKey.publicKey(), established.remotePublicKey());
      assertNotEquals(established.remotePeer(), established.localPeer());
      protocol.alsoCheck().accept(established);
    }
    String unit = protocol.unit();
    assertTrue(app.messages.size() <= 1, "more " + unit + "s delivered than were sent");
    for (byte[] message : app.messages) {
      assertArrayEquals(remoteText, message, "a " + unit + " delivered with other bytes than were sent");
    }
    for (Throwable error : app.errors) {
      SecureChannelFuzzing.assertDeclared(SecureChannelException.class, error);
      assertFalse(channel.isOpen(), "a rejected " + unit + " must close the channel");
    }
  }

  /** Asserts that this side's application received exactly one message: {@code expected}. */
  public void assertDelivered(byte[] expected) {
    assertEquals(1, app.messages.size(), protocol.unit() + "s delivered");
    assertArrayEquals(expected, app.messages.get(0));
  }
}
