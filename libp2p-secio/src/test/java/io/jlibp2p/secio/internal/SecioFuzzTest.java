package io.jlibp2p.secio.internal;

import static io.jlibp2p.core.conformance.SecureChannelFuzzing.INITIATOR_KEY;
import static io.jlibp2p.core.conformance.SecureChannelFuzzing.RESPONDER_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
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
import io.jlibp2p.secio.internal.pb.SecioProtos;
import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Jazzer fuzz targets for SECIO, from its packets up to whole handshakes. In this package, not in
 * a {@code fuzz} one, for the package-private pieces: the handshake handler's constructor with
 * chosen ephemeral keys, {@link SecioCipher}, {@link StretchedKeys}, {@link Proposals}. Each target
 * checks properties of the verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>{@link #propose}: the fuzzer's bytes as the remote's Propose. Rejected, the handshake
 *       fails with its own {@link SecurityHandshakeException}, with a message, and the channel
 *       closes; accepted, the handler answers with an Exchange whose signature covers the exact
 *       Propose bytes received (never a re-encoding), on the curve {@link Proposals} chooses;
 *   <li>{@link #exchange}: after a valid Propose from a known remote, the fuzzer's bytes as its
 *       Exchange, either raw or as an ephemeral point that the remote signs properly (so that the
 *       point itself is what is tested). Accepted only with a valid signature and a point on the
 *       curve (checked here with the curve equation, independently of the JDK);
 *   <li>{@link #packets}: the {@link SecioFrameDecoder}, fed the fuzzer's bytes in writes of the
 *       fuzzer's sizes, delivers exactly the packets that a sender in lockstep writes (each
 *       delivered plaintext re-encrypts to its packet, MAC and all), in order, holds back no
 *       complete packet, and rejects the first one that is too long, too short or fails its MAC
 *       with a {@link SecureChannelException} and a message, closing the channel;
 *   <li>{@link #responderHandshake}: a handshake handler fed the fuzzer's bytes in chunks either
 *       waits or fails with its own exception and closes; it never completes (an Exchange must be
 *       signed over this side's random nonce), and delivers nothing;
 *   <li>{@link #corruptedHandshake}: a real initiator and responder over two EmbeddedChannels, the
 *       fuzzer choosing one of the eight messages (both Proposes, both Exchanges, both nonce
 *       packets, the first packet each way) to flip bytes in, cut short or extend. Unchanged, both
 *       sides authenticate each other and deliver both packets; changed, the change is noticed
 *       where it must be, nothing but intact packets is delivered, and every failure is the
 *       declared exception with its channel closed.
 * </ul>
 *
 * <p>Every failure of a handshake handler must be its own: an exception that escaped its decoder
 * (which Netty hands to {@code exceptionCaught} wrapped in a {@link DecoderException}, and which
 * the handler would then report as a {@code SecurityHandshakeException} too) is rethrown for
 * Jazzer. Leaks fail the class (libp2p-testing's leak detection). What any secure channel's
 * targets check is shared with noise's in libp2p-core's test-jar: {@link SecureChannelFuzzing},
 * {@link HandshakeSide} and, for {@link #corruptedHandshake}, {@link HandshakeShuttle}; this class
 * holds what is SECIO's.
 *
 * <p>Identities are fixed keys ({@link SecureChannelFuzzing#INITIATOR_KEY}, the remote's in the
 * one-sided targets, and {@link SecureChannelFuzzing#RESPONDER_KEY}, the side under test). The
 * one-sided targets' ephemeral keys are fixed too (one per curve, made once); {@link
 * #corruptedHandshake} makes a fresh pair per execution ({@link EphemeralKeys} says why, {@link
 * FastEphemeralKeys} how). The handshakes' clocks are frozen, so the timer of an ambiguous secret
 * (one with a leading zero byte, which the fuzzer's points can make) never fires. The handlers'
 * nonces are random, so which side's preferences win varies between executions.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/secio/internal/SecioFuzzTestInputs/<method>/}: messages and
 * packets made by this module's encoders with the keys below, and the edge cases named by the file
 * names. Targets that take a {@link FuzzedDataProvider} read their numbers (write sizes, curve,
 * which message to corrupt and how) from the end of the input and the bytes from the front. To
 * fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-secio -Ddocs.phase=none \
 *     -Dtest='SecioFuzzTest#corruptedHandshake'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class SecioFuzzTest {

  /** The responder's ephemeral key on each curve in the one-sided targets, made once. */
  private static final Map<EcdhCurve, KeyPair> RESPONDER_EPHEMERAL = new EnumMap<>(EcdhCurve.class);

  static {
    for (EcdhCurve curve : EcdhCurve.values()) {
      RESPONDER_EPHEMERAL.put(curve, curve.generate());
    }
  }

  /** The nonce of the remote's Propose in {@link #exchange}: 16 bytes 0x5a. */
  private static final byte[] REMOTE_NONCE = filled(16, 0x5a);

  /** The keys of {@link #packets}: AES-128 or AES-256 (keys of 0x2b), HMAC keys of 0x3c, IVs of 0x1d. */
  private static final StretchedKeys.Keys PACKET_KEYS_128 =
      new StretchedKeys.Keys(filled(16, 0x1d), filled(16, 0x2b), filled(20, 0x3c));
  private static final StretchedKeys.Keys PACKET_KEYS_256 =
      new StretchedKeys.Keys(filled(16, 0x1d), filled(32, 0x2b), filled(20, 0x3c));

  /** The packet limit of {@link #packets}: small, so that the fuzzer reaches it. */
  private static final int PACKET_LIMIT = 4096;
  /** The packet limit of the handshakes: the spec's. */
  private static final int LIMIT = SecioFrameDecoder.SPEC_MAX_PACKET;

  /** What every handshake of these targets must be, besides authenticated: SECIO. */
  private static final HandshakeSide.Protocol SECIO =
      new HandshakeSide.Protocol(SecioHandshakeHandler.PROTOCOL_ID, "packet", established -> {});

  // --------------------------------------------------------------------------------------- propose

  @FuzzTest(maxDuration = "60s")
  void propose(byte[] input) throws InvalidProtocolBufferException {
    SecioHandshakeHandler handshake = responder();
    EmbeddedChannel channel = frozen(handshake);
    try {
      byte[] ours = body(channel.readOutbound());
      channel.writeInbound(framed(input));
      HandshakeOutcome outcome = HandshakeOutcome.of(handshake.session(), channel);
      assertNotEquals(HandshakeOutcome.SUCCEEDED, outcome);
      if (outcome == HandshakeOutcome.FAILED) {
        return;
      }
      SecioProtos.Propose theirs = SecioProtos.Propose.parseFrom(input);
      SecioProtos.Exchange exchange = SecioProtos.Exchange.parseFrom(body(channel.readOutbound()));
      byte[] point = exchange.getEpubkey().toByteArray();
      assertTrue(
          RESPONDER_KEY.publicKey().verify(concat(ours, input, point), exchange.getSignature().toByteArray()),
          "the Exchange must sign the Propose bytes as received");
      int order = Proposals.order(
          RESPONDER_KEY.publicKey().marshal(), SecioProtos.Propose.parseFrom(ours).getRand().toByteArray(),
          theirs.getPubkey().toByteArray(), theirs.getRand().toByteArray());
      EcdhCurve curve = EcdhCurve.bySecioName(Proposals.select(order, Proposals.EXCHANGES, theirs.getExchanges()).orElseThrow());
      assertArrayEquals(curve.encode((ECPublicKey) RESPONDER_EPHEMERAL.get(curve).getPublic()), point,
          "the ephemeral key of another curve than the one chosen");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  // -------------------------------------------------------------------------------------- exchange

  @FuzzTest(maxDuration = "60s")
  void exchange(FuzzedDataProvider data) throws InvalidProtocolBufferException {
    EcdhCurve curve = EcdhCurve.values()[data.consumeInt(0, EcdhCurve.values().length - 1)];
    boolean signedByTheRemote = data.consumeInt(0, 1) == 1;
    byte[] bytes = data.consumeRemainingAsBytes();
    SecioHandshakeHandler handshake = responder();
    EmbeddedChannel channel = frozen(handshake);
    try {
      byte[] ours = body(channel.readOutbound());
      byte[] theirs = SecioProtos.Propose.newBuilder()
          .setRand(ByteString.copyFrom(REMOTE_NONCE))
          .setPubkey(ByteString.copyFrom(INITIATOR_KEY.publicKey().marshal()))
          .setExchanges(curve.secioName)
          .setCiphers(Proposals.CIPHERS)
          .setHashes(Proposals.HASHES)
          .build()
          .toByteArray();
      channel.writeInbound(framed(theirs));
      assertEquals(HandshakeOutcome.RUNNING, HandshakeOutcome.of(handshake.session(), channel), "a valid Propose was refused");
      body(channel.readOutbound());
      byte[] exchange = signedByTheRemote
          ? SecioProtos.Exchange.newBuilder()
              .setEpubkey(ByteString.copyFrom(bytes))
              .setSignature(ByteString.copyFrom(INITIATOR_KEY.sign(concat(theirs, ours, bytes))))
              .build()
              .toByteArray()
          : bytes;
      channel.writeInbound(framed(exchange));
      HandshakeOutcome outcome = HandshakeOutcome.of(handshake.session(), channel);
      assertNotEquals(HandshakeOutcome.SUCCEEDED, outcome);
      if (outcome == HandshakeOutcome.FAILED) {
        return;
      }
      assertTrue(signedByTheRemote, "an Exchange the remote did not sign was accepted");
      assertTrue(onCurve(curve, bytes), "an ephemeral key off the curve was accepted");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * Whether {@code point} is {@code 04 || X || Y} at the field size with {@code X, Y < p} and
   * {@code Y^2 = X^3 + aX + b (mod p)}: a point of the curve's group, as the NIST curves have
   * cofactor 1.
   */
  private static boolean onCurve(EcdhCurve curve, byte[] point) {
    if (point.length != 1 + 2 * curve.fieldSize || point[0] != 4) {
      return false;
    }
    EllipticCurve equation = ((ECPublicKey) RESPONDER_EPHEMERAL.get(curve).getPublic()).getParams().getCurve();
    BigInteger p = ((ECFieldFp) equation.getField()).getP();
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + curve.fieldSize));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + curve.fieldSize, point.length));
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger right = x.pow(3).add(equation.getA().multiply(x)).add(equation.getB()).mod(p);
    return y.modPow(BigInteger.TWO, p).equals(right);
  }

  // --------------------------------------------------------------------------------------- packets

  @FuzzTest(maxDuration = "60s")
  void packets(FuzzedDataProvider data) {
    String hmac = data.consumeInt(0, 1) == 1 ? "HmacSHA512" : "HmacSHA256";
    StretchedKeys.Keys keys = data.consumeInt(0, 1) == 1 ? PACKET_KEYS_128 : PACKET_KEYS_256;
    SecureChannelFuzzing.DecodedWire decoded = SecureChannelFuzzing.decode(
        data, new SecioFrameDecoder(new SecioCipher(keys, hmac, false), PACKET_LIMIT), "secio packets", "packet");
    assertDeliveredExactlyTheAuthenticPackets(
        decoded.wire(), decoded.delivered(), decoded.rejected(), new SecioCipher(keys, hmac, true));
  }

  /**
   * The model of the decoder's verdict: the wire is packets of {@code uint32 BE length ||
   * ciphertext || MAC}; a packet longer than the limit or shorter than the MAC is refused as soon
   * as its length is known; a packet is authentic if a sender in lockstep, the {@link
   * SecioFrameEncoder} on a cipher with the same keys, writes it from the next plaintext delivered,
   * or from nothing for a packet of only a MAC (consumed but not delivered). The decoder must
   * deliver the authentic packets up to the first one that is not, reject that one, and otherwise
   * stop only at an incomplete packet.
   */
  private static void assertDeliveredExactlyTheAuthenticPackets(
      byte[] wire, List<byte[]> delivered, boolean rejected, SecioCipher sending) {
    EmbeddedChannel encoder = new EmbeddedChannel(new SecioFrameEncoder(sending));
    try {
      int at = 0;
      int next = 0;
      boolean mustReject = false;
      while (wire.length - at >= 4) {
        long length = Integer.toUnsignedLong(
            (wire[at] & 0xff) << 24 | (wire[at + 1] & 0xff) << 16 | (wire[at + 2] & 0xff) << 8 | (wire[at + 3] & 0xff));
        if (length > PACKET_LIMIT || length < sending.macLength()) {
          mustReject = true;
          break;
        }
        if (wire.length - at < 4 + length) {
          break;
        }
        byte[] packet = Arrays.copyOfRange(wire, at, at + 4 + (int) length);
        byte[] reencoded;
        if (length == sending.macLength()) {
          ByteBuf macOnly = Unpooled.buffer().writeInt((int) length);
          sending.seal(Unpooled.EMPTY_BUFFER, 0, macOnly);
          reencoded = ByteBufs.take(macOnly);
        } else if (next < delivered.size()) {
          encoder.writeOutbound(Unpooled.wrappedBuffer(delivered.get(next)));
          reencoded = ByteBufs.drain(encoder::readOutbound);
        } else {
          reencoded = null;
        }
        if (!Arrays.equals(packet, reencoded)) {
          mustReject = true;
          break;
        }
        if (length > sending.macLength()) {
          next++;
        }
        at += 4 + (int) length;
      }
      assertEquals(next, delivered.size(), "delivered packets that are not the authentic ones on the wire");
      assertEquals(mustReject, rejected, mustReject ? "a bad packet was not rejected" : "rejected authentic packets");
    } finally {
      encoder.finishAndReleaseAll();
    }
  }

  // ---------------------------------------------------------------------- a responder fed garbage

  @FuzzTest(maxDuration = "60s")
  void responderHandshake(FuzzedDataProvider data) {
    SecioHandshakeHandler handshake = responder();
    InboundRecorder app = new InboundRecorder();
    EmbeddedChannel channel = frozen(handshake, app);
    try {
      SecureChannelFuzzing.feedUntilClosed(channel, data);
      assertNotEquals(HandshakeOutcome.SUCCEEDED, HandshakeOutcome.of(handshake.session(), channel),
          "a handshake completed with a remote that cannot have signed this side's nonce");
      assertTrue(app.messages.isEmpty() && app.errors.isEmpty(), "the handshake let something through");
      channel.close();
      assertEquals(HandshakeOutcome.FAILED, HandshakeOutcome.of(handshake.session(), channel), "closing must end the handshake");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  // ------------------------------------------------------------ a real handshake, one message corrupted

  /**
   * Who writes each handshake message of {@link #corruptedHandshake}, in the order they travel
   * (true for the initiator): they alternate sides. The first packet each way follows them ({@link
   * HandshakeShuttle}).
   */
  private static final boolean[] HANDSHAKE_FROM_INITIATOR = {true, false, true, false, true, false};
  private static final byte[] INITIATOR_TEXT = "first packet from the initiator".getBytes(StandardCharsets.UTF_8);
  private static final byte[] RESPONDER_TEXT = "first packet from the responder".getBytes(StandardCharsets.UTF_8);

  /**
   * Propose, Exchange and nonce packet of each side, then the first packet each way: even numbers
   * from the initiator, odd ones from the responder. Both Proposes are written at the start; each
   * side writes its Exchange when it has read a Propose, its nonce packet when it has read an
   * Exchange, and is done when it has read a nonce packet.
   */
  @FuzzTest(maxDuration = "60s")
  void corruptedHandshake(FuzzedDataProvider data) {
    HandshakeShuttle shuttle = new HandshakeShuttle(data, HANDSHAKE_FROM_INITIATOR);
    EphemeralKeys ephemeral = new EphemeralKeys();
    SecioHandshakeHandler initiatorHandshake = new SecioHandshakeHandler(
        new HandshakeParameters(INITIATOR_KEY, Direction.OUTBOUND, Optional.of(PeerId.fromPublicKey(RESPONDER_KEY.publicKey()))),
        LIMIT, ephemeral::initiator);
    SecioHandshakeHandler responderHandshake = new SecioHandshakeHandler(
        new HandshakeParameters(RESPONDER_KEY, Direction.INBOUND, Optional.empty()), LIMIT, ephemeral::responder);
    InboundRecorder atInitiator = new InboundRecorder();
    InboundRecorder atResponder = new InboundRecorder();
    shuttle.run(
        new HandshakeSide(SECIO, frozen(initiatorHandshake, atInitiator), initiatorHandshake.session(),
            atInitiator, RESPONDER_KEY, INITIATOR_TEXT, RESPONDER_TEXT),
        new HandshakeSide(SECIO, frozen(responderHandshake, atResponder), responderHandshake.session(),
            atResponder, INITIATOR_KEY, RESPONDER_TEXT, INITIATOR_TEXT));
  }

  /**
   * The ephemeral keys of one handshake of {@link #corruptedHandshake}: fresh, a pair per curve made
   * when a side first asks, whose shared secret has no leading zero byte (so that an untouched
   * handshake never waits on the timer of an ambiguous secret). Fresh, not fixed: with the same
   * session keys in every execution the fuzzer learns valid MACs from the comparisons it observes,
   * and appends packets that pass them, which SECIO delivers (its MAC covers the ciphertext only,
   * with no sequence number). That is an attacker who holds the keys, not one on the wire.
   */
  private static final class EphemeralKeys {
    /** One maker per curve, shared by every execution: the pairs are fresh, the curve tables not. */
    private static final Map<EcdhCurve, FastEphemeralKeys> MAKERS = new EnumMap<>(EcdhCurve.class);

    static {
      for (EcdhCurve curve : EcdhCurve.values()) {
        MAKERS.put(curve, new FastEphemeralKeys(curve));
      }
    }

    private final Map<EcdhCurve, KeyPair[]> pairs = new EnumMap<>(EcdhCurve.class);

    KeyPair initiator(EcdhCurve curve) {
      return pair(curve)[0];
    }

    KeyPair responder(EcdhCurve curve) {
      return pair(curve)[1];
    }

    private KeyPair[] pair(EcdhCurve curve) {
      return pairs.computeIfAbsent(curve, c -> MAKERS.get(c).unambiguousPair());
    }
  }

  // ----------------------------------------------------------------------------------------- shared

  /** The responder, the side under test in the one-sided targets. */
  private static SecioHandshakeHandler responder() {
    return new SecioHandshakeHandler(
        new HandshakeParameters(RESPONDER_KEY, Direction.INBOUND, Optional.empty()), LIMIT, RESPONDER_EPHEMERAL::get);
  }

  /** A channel whose clock stands still, so that the ambiguous secret's timer never fires. */
  private static EmbeddedChannel frozen(ChannelHandler... handlers) {
    EmbeddedChannel channel = new EmbeddedChannel(handlers);
    channel.freezeTime();
    return channel;
  }

  /** The body of a handshake message the channel wrote, without its length; the buffer is released. */
  private static byte[] body(Object written) {
    byte[] frame = ByteBufs.take(written);
    return Arrays.copyOfRange(frame, 4, frame.length);
  }

  private static ByteBuf framed(byte[] body) {
    return Unpooled.wrappedBuffer(Unpooled.buffer(4).writeInt(body.length), Unpooled.wrappedBuffer(body));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] filled(int length, int value) {
    byte[] out = new byte[length];
    Arrays.fill(out, (byte) value);
    return out;
  }
}
