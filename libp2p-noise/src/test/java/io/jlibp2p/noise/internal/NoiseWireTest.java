package io.jlibp2p.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.EmbeddedChannels;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import io.jlibp2p.noise.internal.pb.NoiseProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The handshake and transport frames between two in-memory channels, with tampering in between. */
class NoiseWireTest {

  /** Ends the responder's pipeline: what passes its handshake handler inbound. */
  private final InboundRecorder atResponder = new InboundRecorder();
  private EmbeddedChannel initiator;
  private EmbeddedChannel responder;

  @AfterEach
  void release() {
    for (EmbeddedChannel channel : new EmbeddedChannel[] {initiator, responder}) {
      if (channel != null) {
        channel.finishAndReleaseAll();
      }
    }
  }

  private NoiseHandshakeHandler initiatorHandler;
  private NoiseHandshakeHandler responderHandler;

  private void handshake() {
    handshake(List.of(), List.of());
    assertTrue(initiatorHandler.session().isDone() && !initiatorHandler.session().isCompletedExceptionally());
  }

  private void handshake(List<String> initiatorMuxers, List<String> responderMuxers) {
    NoiseHandshakeHandler a = new NoiseHandshakeHandler(
        new HandshakeParameters(PrivateKey.generate(), Direction.OUTBOUND, Optional.empty(), initiatorMuxers));
    NoiseHandshakeHandler b = new NoiseHandshakeHandler(
        new HandshakeParameters(PrivateKey.generate(), Direction.INBOUND, Optional.empty(), responderMuxers));
    initiatorHandler = a;
    responderHandler = b;
    initiator = new EmbeddedChannel(a);
    responder = new EmbeddedChannel(b);
    responder.pipeline().addLast(atResponder);
    for (int i = 0; i < 5; i++) {
      EmbeddedChannels.shuttle(initiator, responder);
      EmbeddedChannels.shuttle(responder, initiator);
    }
  }

  @Test
  void inlinedMuxerNegotiationPicksTheInitiatorsFirstCommonChoice() {
    handshake(List.of("/yamux/1.0.0", "/mplex/6.7.0"), List.of("/mplex/6.7.0", "/yamux/1.0.0"));
    assertEquals(Optional.of("/yamux/1.0.0"), initiatorHandler.session().join().muxer());
    assertEquals(Optional.of("/yamux/1.0.0"), responderHandler.session().join().muxer());
    assertEquals(responderHandler.session().join().remotePeer(), initiatorHandler.session().join().localPeer());
  }

  @Test
  void withoutTheExtensionOnBothSidesNoMuxerIsAgreed() {
    handshake(List.of("/mplex/6.7.0"), List.of());
    assertEquals(Optional.empty(), initiatorHandler.session().join().muxer());
    assertEquals(Optional.empty(), responderHandler.session().join().muxer());
  }

  @Test
  void muxerListsWithNothingInCommonFailTheHandshake() {
    handshake(List.of("/yamux/1.0.0"), List.of("/mplex/6.7.0"));
    CompletionException e = assertThrows(CompletionException.class, () -> responderHandler.session().join());
    assertTrue(e.getCause().getMessage().contains("no stream muxer in common"), e.getCause().getMessage());
  }

  /** One transport frame from the initiator, as bytes on the wire. */
  private byte[] frameFromInitiator(String text) {
    initiator.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    return EmbeddedChannels.readOutboundBytes(initiator);
  }

  @Test
  void framesCarryLengthThenCiphertextWithTag() {
    handshake();
    byte[] frame = frameFromInitiator("hello");
    assertEquals(2 + 5 + 16, frame.length);
    assertEquals(5 + 16, ((frame[0] & 0xff) << 8) | (frame[1] & 0xff));
    responder.writeInbound(Unpooled.wrappedBuffer(frame));
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), atResponder.messages.get(0));
  }

  @Test
  void largeWritesAreSplitAt65519BytesOfPlaintext() {
    handshake();
    byte[] data = new byte[65519 * 2 + 10];
    initiator.writeAndFlush(Unpooled.wrappedBuffer(data));
    ByteBuf wire = initiator.readOutbound();
    assertEquals(3 * 18 + data.length, wire.readableBytes());
    assertEquals(65535, wire.getUnsignedShort(0));
    responder.writeInbound(wire);
    assertEquals(data.length, atResponder.messages.stream().mapToInt(b -> b.length).sum());
  }

  @Test
  void flippedCiphertextBitClosesTheConnectionAndDeliversNothing() {
    handshake();
    byte[] frame = frameFromInitiator("secret");
    frame[4] ^= 1;
    responder.writeInbound(Unpooled.wrappedBuffer(frame));
    assertEquals(List.of(), atResponder.messages);
    assertFalse(responder.isOpen());
    assertInstanceOf(SecureChannelException.class, atResponder.errors.get(0));
  }

  @Test
  void replayedFrameIsRejected() {
    handshake();
    byte[] frame = frameFromInitiator("once");
    responder.writeInbound(Unpooled.wrappedBuffer(frame.clone()));
    responder.writeInbound(Unpooled.wrappedBuffer(frame));
    assertEquals(1, atResponder.messages.size());
    assertFalse(responder.isOpen());
  }

  @Test
  void truncatedFrameDeliversNothing() {
    handshake();
    byte[] frame = frameFromInitiator("cut short");
    responder.writeInbound(Unpooled.wrappedBuffer(frame, 0, frame.length - 1));
    assertEquals(List.of(), atResponder.messages);
    responder.close();
    assertEquals(List.of(), atResponder.messages);
  }

  /** A responder that signs some other static key than the one it uses must be refused. */
  @Test
  void signatureOverAnotherStaticKeyIsRejected() throws Exception {
    NoiseHandshakeHandler ours = new NoiseHandshakeHandler(new HandshakeParameters(PrivateKey.generate(), Direction.OUTBOUND, Optional.empty()));
    initiator = new EmbeddedChannel(ours);
    responder = new EmbeddedChannel();
    ByteBuf message1 = initiator.readOutbound();
    byte[] m1 = new byte[message1.readableBytes() - 2];
    message1.getBytes(2, m1);
    message1.release();

    XxHandshake forger = new XxHandshake(false, X25519.generate(), X25519.generate(), new byte[0], ChaChaPoly.jdk());
    forger.readMessage(m1);
    PrivateKey identity = PrivateKey.generate();
    byte[] signedKey = X25519.generate().publicKey(); // not the static key it uses
    byte[] toSign = concat("noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII), signedKey);
    byte[] payload = NoiseProtos.NoiseHandshakePayload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(identity.publicKey().marshal()))
        .setIdentitySig(ByteString.copyFrom(identity.sign(toSign)))
        .build().toByteArray();
    byte[] m2 = forger.writeMessage(payload);
    ByteBuf frame = Unpooled.buffer().writeShort(m2.length).writeBytes(m2);
    initiator.writeInbound(frame);
    CompletionException e = assertThrows(CompletionException.class, () -> ours.session().join());
    SecurityHandshakeException failure = assertInstanceOf(SecurityHandshakeException.class, e.getCause());
    assertTrue(failure.getMessage().contains("did not sign"), failure.getMessage());
    assertFalse(initiator.isOpen());
  }

  @Test
  void message1OfTheWrongSizeIsRefusedAtOnce() {
    NoiseHandshakeHandler ours = new NoiseHandshakeHandler(new HandshakeParameters(PrivateKey.generate(), Direction.INBOUND, Optional.empty()));
    responder = new EmbeddedChannel(ours);
    initiator = new EmbeddedChannel();
    responder.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}));
    CompletionException e = assertThrows(CompletionException.class, () -> ours.session().join());
    assertTrue(e.getCause().getMessage().contains("message 1"), e.getCause().getMessage());
    assertFalse(responder.isOpen());
  }

  @Test
  void nonceExhaustionIsGuarded() {
    CipherState state = new CipherState(ChaChaPoly.jdk());
    state.initializeKey(new byte[32]);
    state.setNonce(-2L); // 2^64 - 2: the last usable nonce
    state.encryptWithAd(null, new byte[1]);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> state.encryptWithAd(null, new byte[1]));
    assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
