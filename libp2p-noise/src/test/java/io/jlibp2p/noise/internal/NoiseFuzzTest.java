package io.jlibp2p.noise.internal;

import static io.jlibp2p.core.conformance.SecureChannelFuzzing.INITIATOR_KEY;
import static io.jlibp2p.core.conformance.SecureChannelFuzzing.RESPONDER_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.HandshakeOutcome;
import io.jlibp2p.core.conformance.HandshakeShuttle;
import io.jlibp2p.core.conformance.HandshakeSide;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.conformance.SecureChannelFuzzing;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.aead.AeadCipher;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.noise.internal.pb.NoiseProtos;
import io.jlibp2p.testing.ByteBufs;
import io.jlibp2p.testing.DecodingAssertions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * Jazzer. Leaks fail the class (libp2p-testing's leak detection). What any secure channel's
 * targets check is shared with secio's in libp2p-core's test-jar: {@link SecureChannelFuzzing},
 * {@link HandshakeSide} and, for {@link #corruptedHandshake}, {@link HandshakeShuttle}; this class
 * holds what is Noise's.
 *
 * <p>All keys are fixed, the identities ({@link SecureChannelFuzzing#INITIATOR_KEY} and {@link
 * SecureChannelFuzzing#RESPONDER_KEY}) and the handlers' static and ephemeral Noise keys too, so
 * that an execution is deterministic (a seed can hold a real transcript) and generates no key.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/noise/internal/NoiseFuzzTestInputs/<method>/}: frames and payloads
 * made by this module's encoders with these fixed keys, real handshake messages, and the edge
 * cases named by the file names. Targets that take a {@link FuzzedDataProvider} read their numbers
 * (write sizes, which message to corrupt and how) from the end of the input and the bytes from the
 * front. To fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-noise -Ddocs.phase=none \
 *     -Dtest='NoiseFuzzTest#corruptedHandshake'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class NoiseFuzzTest {

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

  /** What every handshake of these targets must be, besides authenticated: Noise, on the agreed muxer. */
  private static final HandshakeSide.Protocol NOISE = new HandshakeSide.Protocol(
      NoiseSecureChannel.PROTOCOL_ID, "frame",
      established -> assertEquals(Optional.of(AGREED_MUXER), established.muxer()));

  // ------------------------------------------------------------------------------ transport frames

  @FuzzTest(maxDuration = "60s")
  void transportFrames(FuzzedDataProvider data) {
    SecureChannelFuzzing.DecodedWire decoded = SecureChannelFuzzing.decode(
        data, new NoiseFrameDecoder(cipherState(TRANSPORT_KEY)), "noise transport frames", "frame");
    assertDeliveredExactlyTheAuthenticFrames(decoded.wire(), decoded.delivered(), decoded.rejected());
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
    CipherState state = new CipherState(ChaChaPoly.jdk());
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
    HandshakeSide side = new HandshakeSide(
        NOISE, channel, handshake.session(), app, INITIATOR_KEY, RESPONDER_TEXT, INITIATOR_TEXT);
    try {
      SecureChannelFuzzing.feedUntilClosed(channel, data);
      side.checkSoFar();
      if (side.outcome() != HandshakeOutcome.SUCCEEDED) {
        assertTrue(app.messages.isEmpty() && app.errors.isEmpty(), "the handshake let something through");
      }
      channel.close();
      assertNotEquals(HandshakeOutcome.RUNNING, side.outcome(), "closing must end the handshake");
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

  /**
   * Who writes each handshake message of {@link #corruptedHandshake}, in the order they travel
   * (true for the initiator): message 1 (-> e), 2 (<- e, ee, s, es) and 3 (-> s, se). The first
   * transport frame each way follows them ({@link HandshakeShuttle}).
   */
  private static final boolean[] HANDSHAKE_FROM_INITIATOR = {true, false, true};
  private static final byte[] INITIATOR_TEXT = "first frame from the initiator".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESPONDER_TEXT = "first frame from the responder".getBytes(StandardCharsets.UTF_8);

  @FuzzTest(maxDuration = "60s")
  void corruptedHandshake(FuzzedDataProvider data) {
    HandshakeShuttle shuttle = new HandshakeShuttle(data, HANDSHAKE_FROM_INITIATOR);
    NoiseHandshakeHandler initiatorHandshake = new NoiseHandshakeHandler(
        new HandshakeParameters(INITIATOR_KEY, Direction.OUTBOUND, Optional.of(RESPONDER_PEER), INITIATOR_MUXERS),
        INITIATOR_STATIC, INITIATOR_EPHEMERAL);
    NoiseHandshakeHandler responderHandshake = responder();
    InboundRecorder atInitiator = new InboundRecorder();
    InboundRecorder atResponder = new InboundRecorder();
    shuttle.run(
        new HandshakeSide(NOISE, new EmbeddedChannel(initiatorHandshake, atInitiator), initiatorHandshake.session(),
            atInitiator, RESPONDER_KEY, INITIATOR_TEXT, RESPONDER_TEXT),
        new HandshakeSide(NOISE, new EmbeddedChannel(responderHandshake, atResponder), responderHandshake.session(),
            atResponder, INITIATOR_KEY, RESPONDER_TEXT, INITIATOR_TEXT));
  }

  // ----------------------------------------------------------------------------------------- shared

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }
}
