package io.jlibp2p.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.noise.internal.pb.NoiseProtos;
import io.jlibp2p.testing.ByteBufs;
import io.jlibp2p.testing.DecodingAssertions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Jazzer fuzz targets for the Noise secure channel, from its frames up to whole handshakes. In this
 * package, not in a {@code fuzz} one, for the handshake handler's package-private constructor with
 * chosen Noise keys. Each target checks properties of the verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>{@link #transportFrames}: the {@link NoiseFrameDecoder}, fed the fuzzer's bytes in writes
 *       of the fuzzer's sizes, delivers exactly the frames that a sender in lockstep produces (each
 *       delivered plaintext re-encrypts to its frame), in order, holds back no complete frame, and
 *       rejects the first frame that is not authentic with a {@link SecureChannelException} and a
 *       message, closing the channel;
 *   <li>{@link #handshakePayload}: {@link HandshakePayload#verify} rejects with a {@link
 *       SecurityHandshakeException} and a message; what it accepts was signed over that static key
 *       and no other, keeps the identity key's exact bytes, and re-encodes to a payload with the
 *       same values (protobuf is not canonical: field order, unknown fields and the ignored
 *       extensions differ, so values are compared, not bytes);
 *   <li>{@link #responderHandshake}: a responder's {@link NoiseHandshakeHandler}, fed the fuzzer's
 *       bytes in chunks, either waits, fails with its own {@code SecurityHandshakeException} and
 *       closes the channel, or completes with the initiator whose messages the seeds recorded (the
 *       only identity whose signature the fuzzer has), delivering nothing but that initiator's
 *       frame and rejecting anything else after the handshake as {@link #transportFrames} does;
 *   <li>{@link #corruptedHandshake}: a real initiator and responder over two EmbeddedChannels, the
 *       fuzzer choosing one of the five messages (the three handshake messages and the first
 *       transport frame each way) to flip bytes in, cut short or extend. Unchanged, both sides
 *       authenticate each other, agree on the muxer and deliver both frames. Changed, the change is
 *       noticed where it must be (the receiver of a changed handshake message fails, a changed
 *       transport frame is not delivered, bytes appended spoil what follows them), nothing but the
 *       intact frames is delivered, and every failure is the declared exception with its channel
 *       closed.
 * </ul>
 *
 * <p>Every failure of a handshake handler must be its own: an exception that escaped its decoder
 * (which Netty hands to {@code exceptionCaught} wrapped in a {@link DecoderException}, and which
 * the handler would then report as a {@code SecurityHandshakeException} too) is rethrown for
 * Jazzer. Leaks fail the class (libp2p-testing's leak detection).
 *
 * <p>All keys are fixed, the identities and the handlers' static and ephemeral Noise keys too, so
 * that an execution is deterministic (a seed can hold a real transcript) and generates no key.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/noise/internal/NoiseFuzzTestInputs/<method>/}: frames and payloads
 * made by this module's encoders with the keys below, real handshake messages, and the edge cases
 * named by the file names. Targets that take a {@link FuzzedDataProvider} read their numbers (write
 * sizes, which message to corrupt and how) from the end of the input and the bytes from the front.
 * To fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-noise -Ddocs.phase=none \
 *     -Dtest='NoiseFuzzTest#corruptedHandshake'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class NoiseFuzzTest {

  /** The initiator's identity: the Ed25519 key of the seed 01 02 .. 20. */
  private static final PrivateKey INITIATOR_KEY = key(
      "080112400102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
          + "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");

  /** The responder's identity: the Ed25519 key of the peer-id spec's test vectors. */
  private static final PrivateKey RESPONDER_KEY = key(
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
          + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");

  private static final PeerId RESPONDER_PEER = PeerId.fromPublicKey(RESPONDER_KEY.publicKey());
  private static final List<String> INITIATOR_MUXERS = List.of("/yamux/1.0.0", "/mplex/6.7.0");
  private static final List<String> RESPONDER_MUXERS = List.of("/mplex/6.7.0", "/yamux/1.0.0");
  /** The initiator's first choice that the responder also lists. */
  private static final String AGREED_MUXER = "/yamux/1.0.0";

  /** The keys the seed payloads are signed with, by public key, for the round trip. */
  private static final Map<io.jlibp2p.crypto.PublicKey, PrivateKey> SIGNERS =
      Map.of(INITIATOR_KEY.publicKey(), INITIATOR_KEY, RESPONDER_KEY.publicKey(), RESPONDER_KEY);

  /** The static Noise key the seed payloads sign: 32 bytes 0x11. */
  private static final byte[] SIGNED_STATIC_KEY = filled(32, 0x11);
  private static final byte[] OTHER_STATIC_KEY = filled(32, 0x22);

  /** The key of the transport frames' receiving cipher state: 32 bytes 0x4b. */
  private static final byte[] TRANSPORT_KEY = filled(32, 0x4b);

  /** The handlers' Noise keys: X25519 keys of the private keys 32 bytes 0x31, 0x32, 0x33, 0x34. */
  private static final X25519 INITIATOR_STATIC = X25519.fromPrivate(filled(32, 0x31));
  private static final X25519 INITIATOR_EPHEMERAL = X25519.fromPrivate(filled(32, 0x32));
  private static final X25519 RESPONDER_STATIC = X25519.fromPrivate(filled(32, 0x33));
  private static final X25519 RESPONDER_EPHEMERAL = X25519.fromPrivate(filled(32, 0x34));

  private static final int MAX_CHUNK = 0xffff;

  // ------------------------------------------------------------------------------ transport frames

  @FuzzTest(maxDuration = "60s")
  void transportFrames(FuzzedDataProvider data) {
    List<byte[]> chunks = chunks(data);
    EmbeddedChannel channel = new EmbeddedChannel(new NoiseFrameDecoder(cipherState(TRANSPORT_KEY)));
    List<byte[]> delivered = new ArrayList<>();
    boolean rejected = false;
    ByteArrayOutputStream fed = new ByteArrayOutputStream();
    try {
      for (byte[] chunk : chunks) {
        if (rejected) {
          break;
        }
        fed.writeBytes(chunk);
        rejected = !DecodingAssertions.acceptsOrRejectsCleanly(
            SecureChannelException.class, "noise transport frames",
            () -> channel.writeInbound(Unpooled.wrappedBuffer(chunk)));
        Object frame;
        while ((frame = channel.readInbound()) != null) {
          delivered.add(ByteBufs.take(frame));
        }
      }
      if (rejected) {
        assertFalse(channel.isOpen(), "a rejected frame must close the channel");
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    assertDeliveredExactlyTheAuthenticFrames(fed.toByteArray(), delivered, rejected);
  }

  /**
   * The model of the decoder's verdict: the wire is frames of {@code uint16 BE length ||
   * ciphertext}; a frame is authentic if a sender in lockstep, the {@link NoiseFrameEncoder} on a
   * cipher state with the same key, writes it from the next plaintext delivered, or from nothing
   * for a frame of only a tag (consumed but not delivered). The decoder must deliver the authentic
   * frames up to the first one that is not, reject that one (at the latest once it is complete),
   * and otherwise stop only at an incomplete frame.
   */
  private static void assertDeliveredExactlyTheAuthenticFrames(byte[] wire, List<byte[]> delivered, boolean rejected) {
    CipherState sending = cipherState(TRANSPORT_KEY);
    EmbeddedChannel encoder = new EmbeddedChannel(new NoiseFrameEncoder(sending));
    try {
      int at = 0;
      int next = 0;
      boolean mustReject = false;
      boolean mayReject = false;
      while (wire.length - at >= 2) {
        int length = ((wire[at] & 0xff) << 8) | (wire[at + 1] & 0xff);
        if (wire.length - at < 2 + length) {
          // Incomplete: a length that can never be a frame may be refused now or when complete.
          mayReject = length < AeadCipher.TAG_LENGTH;
          break;
        }
        byte[] frame = Arrays.copyOfRange(wire, at, at + 2 + length);
        byte[] reencoded;
        if (length == AeadCipher.TAG_LENGTH) {
          reencoded = emptyFrame(sending);
        } else if (length > AeadCipher.TAG_LENGTH && next < delivered.size()) {
          encoder.writeOutbound(Unpooled.wrappedBuffer(delivered.get(next)));
          reencoded = ByteBufs.drain(encoder::readOutbound);
        } else {
          reencoded = null;
        }
        if (!Arrays.equals(frame, reencoded)) {
          mustReject = true;
          break;
        }
        if (length > AeadCipher.TAG_LENGTH) {
          next++;
        }
        at += 2 + length;
      }
      assertEquals(next, delivered.size(), "delivered frames that are not the authentic ones on the wire");
      if (mustReject || !mayReject) {
        assertEquals(mustReject, rejected, mustReject ? "an inauthentic frame was not rejected" : "rejected authentic frames");
      }
    } finally {
      encoder.finishAndReleaseAll();
    }
  }

  /** A frame of no plaintext, only its tag: the encoder writes none, so the cipher state makes it. */
  private static byte[] emptyFrame(CipherState sending) {
    ByteBuffer frame = ByteBuffer.allocate(2 + AeadCipher.TAG_LENGTH);
    frame.putShort((short) AeadCipher.TAG_LENGTH);
    sending.encryptWithAd(null, ByteBuffer.allocate(0), frame);
    return frame.array();
  }

  private static CipherState cipherState(byte[] key) {
    CipherState state = new CipherState(new JdkChaChaPoly());
    state.initializeKey(key);
    return state;
  }

  // ----------------------------------------------------------------------------- handshake payload

  @FuzzTest(maxDuration = "60s")
  void handshakePayload(byte[] input) throws InvalidProtocolBufferException {
    Optional<HandshakePayload> decoded = DecodingAssertions.decodesOrRejectsCleanly(
        SecurityHandshakeException.class, "a noise handshake payload", () -> HandshakePayload.verify(input, SIGNED_STATIC_KEY));
    if (decoded.isEmpty()) {
      return;
    }
    HandshakePayload payload = decoded.get();
    DecodingAssertions.assertRejects(
        SecurityHandshakeException.class, () -> HandshakePayload.verify(input, OTHER_STATIC_KEY));
    NoiseProtos.NoiseHandshakePayload parsed = NoiseProtos.NoiseHandshakePayload.parseFrom(input);
    // The peer ID is derived from the key as sent: it must be the key's one encoding.
    assertArrayEquals(parsed.getIdentityKey().toByteArray(), payload.identity().marshal());
    NoiseProtos.NoiseHandshakePayload.Builder canonical = NoiseProtos.NoiseHandshakePayload.newBuilder()
        .setIdentityKey(parsed.getIdentityKey())
        .setIdentitySig(parsed.getIdentitySig());
    if (!payload.muxers().isEmpty()) {
      canonical.setExtensions(NoiseProtos.NoiseExtensions.newBuilder().addAllStreamMuxers(payload.muxers()));
    }
    byte[] reencoded = canonical.build().toByteArray();
    assertEquals(payload, HandshakePayload.verify(reencoded, SIGNED_STATIC_KEY));
    PrivateKey signer = SIGNERS.get(payload.identity());
    if (signer != null) {
      // Ed25519 signatures are deterministic, so our encoder writes exactly the canonical form.
      assertArrayEquals(reencoded, HandshakePayload.sign(signer, SIGNED_STATIC_KEY, payload.muxers()));
    }
  }

  // --------------------------------------------------------------------- a responder fed garbage

  @FuzzTest(maxDuration = "60s")
  void responderHandshake(FuzzedDataProvider data) {
    NoiseHandshakeHandler handshake = responder();
    InboundRecorder app = new InboundRecorder();
    EmbeddedChannel channel = new EmbeddedChannel(handshake, app);
    Side side = new Side(channel, handshake.session(), app, INITIATOR_KEY, RESPONDER_TEXT, INITIATOR_TEXT);
    try {
      for (byte[] chunk : chunks(data)) {
        if (!channel.isOpen()) {
          break;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(chunk));
      }
      side.checkSoFar();
      if (side.outcome() != Outcome.SUCCEEDED) {
        assertTrue(app.messages.isEmpty() && app.errors.isEmpty(), "the handshake let something through");
      }
      channel.close();
      assertNotEquals(Outcome.RUNNING, side.outcome(), "closing must end the handshake");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /** The responder of {@link #responderHandshake} and {@link #corruptedHandshake}. */
  private static NoiseHandshakeHandler responder() {
    return new NoiseHandshakeHandler(
        new HandshakeParameters(RESPONDER_KEY, Direction.INBOUND, Optional.empty(), RESPONDER_MUXERS),
        RESPONDER_STATIC, RESPONDER_EPHEMERAL);
  }

  // -------------------------------------------------------------- a real handshake, one message corrupted

  /** The messages of {@link #corruptedHandshake}, in the order they travel. */
  private static final int MESSAGE_1 = 0;
  private static final int MESSAGE_2 = 1;
  private static final int MESSAGE_3 = 2;
  private static final int INITIATOR_FRAME = 3;
  private static final int RESPONDER_FRAME = 4;
  private static final int MESSAGES = 5;
  private static final boolean[] FROM_INITIATOR = {true, false, true, true, false};
  private static final byte[] INITIATOR_TEXT = "first frame from the initiator".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESPONDER_TEXT = "first frame from the responder".getBytes(StandardCharsets.UTF_8);

  @FuzzTest(maxDuration = "60s")
  void corruptedHandshake(FuzzedDataProvider data) {
    Corruption corruption = new Corruption(data, MESSAGES);
    NoiseHandshakeHandler initiatorHandshake = new NoiseHandshakeHandler(
        new HandshakeParameters(INITIATOR_KEY, Direction.OUTBOUND, Optional.of(RESPONDER_PEER), INITIATOR_MUXERS),
        INITIATOR_STATIC, INITIATOR_EPHEMERAL);
    NoiseHandshakeHandler responderHandshake = responder();
    InboundRecorder atInitiator = new InboundRecorder();
    InboundRecorder atResponder = new InboundRecorder();
    EmbeddedChannel initiator = new EmbeddedChannel(initiatorHandshake, atInitiator);
    EmbeddedChannel responder = new EmbeddedChannel(responderHandshake, atResponder);
    Side[] sides = {
      new Side(initiator, initiatorHandshake.session(), atInitiator, RESPONDER_KEY, INITIATOR_TEXT, RESPONDER_TEXT),
      new Side(responder, responderHandshake.session(), atResponder, INITIATOR_KEY, RESPONDER_TEXT, INITIATOR_TEXT)
    };
    try {
      corruption.pass(MESSAGE_1, initiator, responder);
      corruption.pass(MESSAGE_2, responder, initiator);
      corruption.pass(MESSAGE_3, initiator, responder);
      sides[0].sendIfSecured();
      corruption.pass(INITIATOR_FRAME, initiator, responder);
      sides[1].sendIfSecured();
      corruption.pass(RESPONDER_FRAME, responder, initiator);

      for (Side side : sides) {
        side.checkSoFar();
      }
      if (!corruption.changed) {
        for (Side side : sides) {
          assertEquals(Outcome.SUCCEEDED, side.outcome(), "an untouched handshake failed");
          assertTrue(side.channel.isOpen(), "an untouched connection closed");
        }
        assertDelivered(sides[1], INITIATOR_TEXT);
        assertDelivered(sides[0], RESPONDER_TEXT);
        return;
      }
      initiator.close();
      responder.close();
      for (Side side : sides) {
        assertNotEquals(Outcome.RUNNING, side.outcome(), "closing must end the handshake");
        side.checkSoFar();
      }
      assertNoticed(corruption, sides);
    } finally {
      initiator.finishAndReleaseAll();
      responder.finishAndReleaseAll();
    }
  }

  /**
   * Where a change must show: a changed handshake message fails its receiver's handshake, and a
   * changed frame is not delivered; bytes appended to a message are read as the start of the next
   * one in that direction, which they spoil, and leave the message itself intact.
   */
  private static void assertNoticed(Corruption corruption, Side[] sides) {
    int spoiled = corruption.message;
    if (corruption.kind == Corruption.Kind.APPEND) {
      Side receiver = receiver(sides, spoiled);
      if (spoiled == INITIATOR_FRAME || spoiled == RESPONDER_FRAME) {
        assertDelivered(receiver, receiver.remoteText);
      }
      spoiled = nextInDirection(spoiled);
      if (spoiled < 0) {
        return;
      }
    }
    Side receiver = receiver(sides, spoiled);
    if (spoiled == INITIATOR_FRAME || spoiled == RESPONDER_FRAME) {
      assertTrue(receiver.app.messages.isEmpty(), "a changed frame was delivered");
    } else {
      assertEquals(Outcome.FAILED, receiver.outcome(), "a changed handshake message went unnoticed");
    }
  }

  private static int nextInDirection(int message) {
    for (int next = message + 1; next < MESSAGES; next++) {
      if (FROM_INITIATOR[next] == FROM_INITIATOR[message]) {
        return next;
      }
    }
    return -1;
  }

  private static Side receiver(Side[] sides, int message) {
    return sides[FROM_INITIATOR[message] ? 1 : 0];
  }

  private static void assertDelivered(Side side, byte[] text) {
    assertEquals(1, side.app.messages.size(), "frames delivered");
    assertArrayEquals(text, side.app.messages.get(0));
  }

  /**
   * One end of the connection: its channel, handshake, what reached its application, its peer's
   * key, the frame it sends and the one its peer sends.
   */
  private record Side(
      EmbeddedChannel channel,
      CompletableFuture<SecureSession> session,
      InboundRecorder app,
      PrivateKey remoteKey,
      byte[] text,
      byte[] remoteText) {

    Outcome outcome() {
      return NoiseFuzzTest.outcome(session, channel);
    }

    /** Sends this side's first frame, once its handshake is done and its connection is up. */
    void sendIfSecured() {
      if (outcome() == Outcome.SUCCEEDED && channel.isOpen()) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(text));
      }
    }

    /**
     * Whatever happened to the wire: a completed handshake names the right peer and muxer, what
     * reached the application is the other side's frame and nothing else, and every exception
     * that did is the declared one, its channel closed.
     */
    void checkSoFar() {
      if (outcome() == Outcome.SUCCEEDED) {
        SecureSession established = session.join();
        assertEquals(NoiseSecureChannel.PROTOCOL_ID, established.protocolId());
        assertEquals(PeerId.fromPublicKey(remoteKey.publicKey()), established.remotePeer());
        assertEquals(remoteKey.publicKey(), established.remotePublicKey());
        assertEquals(Optional.of(AGREED_MUXER), established.muxer());
        assertNotEquals(established.remotePeer(), established.localPeer());
      }
      assertTrue(app.messages.size() <= 1, "more frames delivered than were sent");
      for (byte[] message : app.messages) {
        assertArrayEquals(remoteText, message, "a frame delivered with other bytes than were sent");
      }
      for (Throwable error : app.errors) {
        assertDeclared(SecureChannelException.class, error);
        assertFalse(channel.isOpen(), "a rejected frame must close the channel");
      }
    }
  }

  /**
   * The fuzzer's change to one message of the wire: bytes flipped, the message cut short, or bytes
   * appended; it reads which message and how from the end of the input, and the details as the
   * message comes. A message numbered {@code messages} is none: the wire is left alone.
   */
  private static final class Corruption {

    enum Kind { FLIP, TRUNCATE, APPEND }

    private final FuzzedDataProvider data;
    final int message;
    final Kind kind;
    /** Whether the chosen message came out different (flips can cancel out). */
    boolean changed;

    Corruption(FuzzedDataProvider data, int messages) {
      this.data = data;
      this.message = data.consumeInt(0, messages);
      this.kind = Kind.values()[data.consumeInt(0, Kind.values().length - 1)];
    }

    /**
     * Moves the next message {@code from} wrote, numbered {@code index}, to {@code to}, changed if
     * it is the chosen one; when either side has closed, so does the other, as over a real wire.
     */
    void pass(int index, EmbeddedChannel from, EmbeddedChannel to) {
      Object written = from.readOutbound();
      if (written != null) {
        byte[] bytes = ByteBufs.take(written);
        if (index == message) {
          byte[] corrupted = apply(bytes);
          changed = !Arrays.equals(bytes, corrupted);
          bytes = corrupted;
        }
        if (to.isOpen() && bytes.length > 0) {
          to.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
      }
      if (!from.isOpen() || !to.isOpen()) {
        from.close();
        to.close();
      }
    }

    private byte[] apply(byte[] original) {
      switch (kind) {
        case FLIP -> {
          byte[] out = original.clone();
          // Ranges start at 0: Jazzer passes a raw value in range through, which seeds rely on.
          int flips = 1 + data.consumeInt(0, 7);
          for (int i = 0; i < flips; i++) {
            out[data.consumeInt(0, out.length - 1)] ^= (byte) (1 + data.consumeInt(0, 254));
          }
          return out;
        }
        case TRUNCATE -> {
          return Arrays.copyOf(original, data.consumeInt(0, original.length - 1));
        }
        default -> {
          byte[] extra = data.consumeBytes(1 + data.consumeInt(0, 255));
          byte[] out = Arrays.copyOf(original, original.length + Math.max(1, extra.length));
          System.arraycopy(extra, 0, out, original.length, extra.length);
          return out;
        }
      }
    }
  }

  // ----------------------------------------------------------------------------------------- shared

  private enum Outcome { RUNNING, SUCCEEDED, FAILED }

  /**
   * How a handshake stands. A failure must be the handler's own {@link SecurityHandshakeException}
   * with a message, and its channel closed.
   */
  private static Outcome outcome(CompletableFuture<SecureSession> session, EmbeddedChannel channel) {
    if (!session.isDone()) {
      return Outcome.RUNNING;
    }
    try {
      session.join();
      return Outcome.SUCCEEDED;
    } catch (CompletionException e) {
      assertDeclared(SecurityHandshakeException.class, e.getCause());
      assertFalse(channel.isOpen(), "a failed handshake must close its channel");
      return Outcome.FAILED;
    }
  }

  /**
   * Asserts that {@code error} is {@code declared}, with a message, and not the report of an
   * exception that escaped a decoder: that one is rethrown, for Jazzer to report.
   */
  private static void assertDeclared(Class<? extends RuntimeException> declared, Throwable error) {
    Throwable escaped = error instanceof DecoderException ? error : error.getCause();
    if (escaped instanceof DecoderException) {
      throw new AssertionError("an exception escaped a decoder: " + escaped.getCause(), escaped.getCause());
    }
    DecodingAssertions.assertRejects(declared, () -> {
      throw error;
    });
  }

  /** Cuts the fuzzer's bytes into writes: a size from the end of the data, then that many bytes. */
  private static List<byte[]> chunks(FuzzedDataProvider data) {
    List<byte[]> chunks = new ArrayList<>();
    while (data.remainingBytes() > 0) {
      chunks.add(data.consumeBytes(data.consumeInt(0, MAX_CHUNK)));
    }
    return chunks;
  }

  private static PrivateKey key(String hex) {
    return PrivateKey.unmarshal(HexFormat.of().parseHex(hex));
  }

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }
}
