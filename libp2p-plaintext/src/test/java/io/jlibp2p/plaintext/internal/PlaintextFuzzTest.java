package io.jlibp2p.plaintext.internal;

import static io.jlibp2p.testing.DecodingAssertions.decodesOrRejectsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.plaintext.internal.pb.PlaintextProtos;
import io.jlibp2p.testing.ByteBufs;
import io.jlibp2p.testing.TestVectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Jazzer fuzz targets for plaintext/2.0.0: the Exchange decoder, and the handshake handler on an
 * {@link EmbeddedChannel} fed the remote's bytes in chunks of fuzzer-chosen sizes. Each checks the
 * verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>{@link #exchange}: an Exchange is rejected with a {@link SecurityHandshakeException} that
 *       has a message, or accepted with a key whose encoding is the {@code pubkey} field and whose
 *       peer ID is the {@code id} field, as protobuf itself reads them; the canonical Exchange of
 *       that key decodes to the same key;
 *   <li>{@link #handshake}: the handshake ends as the spec says for the same bytes read in one
 *       piece: with the peer whose key the Exchange carries, once its ID matches the key and the
 *       expected peer (if one was dialed); or with a {@link SecurityHandshakeException} (a {@link
 *       PeerIdMismatchException} for another peer than the one dialed) and the channel closed; or
 *       not yet. The bytes after the Exchange are passed on unchanged, nothing reaches the
 *       pipeline's tail, and no buffer leaks (the leak detector reports it, at paranoid level when the inputs are replayed).
 * </ul>
 *
 * <p>This class is in {@code io.jlibp2p.plaintext.internal}, not a {@code fuzz} subpackage,
 * because the Exchange decoder ({@link PlaintextHandshakeHandler#decodeExchange}) is
 * package-private.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/plaintext/internal/PlaintextFuzzTestInputs/<method>/}. The
 * handshake target reads its input with a {@link FuzzedDataProvider}: the remote's bytes from the
 * front, and from the back, one byte each, the expected peer and then the size of each chunk. To
 * fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-plaintext -Ddocs.phase=none \
 *     -Dtest='PlaintextFuzzTest#handshake'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class PlaintextFuzzTest {

  /** The local side's key; what the remote sends does not depend on it. */
  private static final PrivateKey LOCAL_KEY = PrivateKey.generate(KeyType.ED25519);

  /** The peers a dialer may expect: none, or the peer-id spec's Ed25519 or secp256k1 key. */
  private static final List<Optional<PeerId>> EXPECTED_PEERS =
      List.of(
          Optional.empty(),
          Optional.of(peerOf("080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e")),
          Optional.of(peerOf("08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99")));

  @FuzzTest(maxDuration = "60s")
  void exchange(byte[] input) {
    Optional<PublicKey> decoded =
        decodesOrRejectsCleanly(
            List.of(SecurityHandshakeException.class),
            () -> "the fuzzer's Exchange",
            () -> PlaintextHandshakeHandler.decodeExchange(Unpooled.wrappedBuffer(input)));
    if (decoded.isEmpty()) {
      return;
    }
    PublicKey key = decoded.get();
    // Protobuf has more than one encoding of a message (field order, repeated fields, unknown
    // fields), so the input is compared field by field, as protobuf reads it, not byte by byte.
    PlaintextProtos.Exchange parsed;
    try {
      parsed = PlaintextProtos.Exchange.parseFrom(input);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("accepted what protobuf cannot read", e);
    }
    assertArrayEquals(parsed.getPubkey().toByteArray(), key.marshal(), "a key has one encoding");
    assertArrayEquals(parsed.getId().toByteArray(), PeerId.fromPublicKey(key).toBytes(), "the key's ID");
    byte[] canonical = exchangeOf(key);
    assertEquals(key, PlaintextHandshakeHandler.decodeExchange(Unpooled.wrappedBuffer(canonical)));
  }

  @FuzzTest(maxDuration = "60s")
  void handshake(FuzzedDataProvider data) {
    Optional<PeerId> expectedPeer = EXPECTED_PEERS.get(data.consumeInt(0, EXPECTED_PEERS.size() - 1));
    HandshakeParameters parameters = new HandshakeParameters(LOCAL_KEY, Direction.OUTBOUND, expectedPeer);
    PlaintextHandshakeHandler handler = new PlaintextHandshakeHandler(parameters);
    InboundRecorder next = new InboundRecorder();
    EmbeddedChannel channel = new EmbeddedChannel(handler, next);
    Verdict verdict;
    try {
      assertArrayEquals(
          frame(exchangeOf(LOCAL_KEY.publicKey())),
          ByteBufs.drain(channel::readOutbound),
          "sends its own Exchange at once");
      ByteArrayOutputStream fed = new ByteArrayOutputStream();
      while (data.remainingBytes() > 0 && channel.isOpen()) {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 256));
        fed.writeBytes(chunk);
        channel.writeInbound(Unpooled.wrappedBuffer(chunk));
      }
      Expected expected = model(fed.toByteArray(), expectedPeer);
      channel.checkException();
      verdict = Verdict.of(handler.session());
      assertEquals(expected.failure(), verdict.failureType(), () -> "failure " + verdict.failure());
      assertEquals(verdict.failure() == null, channel.isOpen(), "closed exactly when failed");
      assertTrue(next.errors.isEmpty(), () -> "reached the next handler: " + next.errors);
      assertEquals(0, ByteBufs.drain(channel::readOutbound).length, "nothing more is sent");
      byte[] passedOn = concat(next.messages);
      if (expected.key() == null) {
        assertNull(verdict.session(), "no session");
        assertEquals(0, passedOn.length, "nothing passed on");
        if (verdict.failure() == null) {
          assertNotNull(channel.pipeline().get(PlaintextHandshakeHandler.class), "still waiting");
        }
      } else {
        SecureSession session = verdict.session();
        assertNotNull(session, "a session");
        assertEquals(expected.key(), session.remotePublicKey());
        assertEquals(PeerId.fromPublicKey(expected.key()), session.remotePeer());
        assertEquals(parameters.localPeer(), session.localPeer());
        assertEquals(PlaintextHandshakeHandler.PROTOCOL_ID, session.protocolId());
        expectedPeer.ifPresent(peer -> assertEquals(peer, session.remotePeer()));
        assertNull(channel.pipeline().get(PlaintextHandshakeHandler.class), "left the pipeline");
        assertArrayEquals(
            Arrays.copyOfRange(fed.toByteArray(), expected.consumed(), fed.size()),
            passedOn,
            "the bytes after the Exchange, unchanged and unframed");
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    if (verdict.session() == null && verdict.failure() == null) {
      assertEquals(
          SecurityHandshakeException.class,
          Verdict.of(handler.session()).failureType(),
          "an unfinished handshake fails when the channel closes");
    }
  }

  /**
   * What the spec says the handshake does with {@code fed}, read in one piece: one
   * uvarint-prefixed Exchange, then whatever follows, unframed.
   */
  private static Expected model(byte[] fed, Optional<PeerId> expectedPeer) {
    ByteBuf in = Unpooled.wrappedBuffer(fed);
    ByteBuf exchange;
    try {
      exchange = LengthPrefixedFrameDecoder.readMessage(in, PlaintextHandshakeHandler.MAX_EXCHANGE_LENGTH);
    } catch (DecodingException | LimitExceededException e) {
      return new Expected(SecurityHandshakeException.class, null, -1);
    }
    if (exchange == null) {
      return new Expected(null, null, -1);
    }
    PublicKey key;
    try {
      key = PlaintextHandshakeHandler.decodeExchange(exchange);
    } catch (SecurityHandshakeException e) {
      return new Expected(SecurityHandshakeException.class, null, -1);
    }
    if (expectedPeer.isPresent() && !expectedPeer.get().matches(key)) {
      return new Expected(PeerIdMismatchException.class, null, -1);
    }
    return new Expected(null, key, in.readerIndex());
  }

  /**
   * The model's prediction: the type of the failure, or the remote's key and the bytes the
   * handshake consumed, or neither (still waiting).
   */
  private record Expected(Class<? extends SecurityHandshakeException> failure, PublicKey key, int consumed) {}

  /**
   * What the handshake's future says so far: the session, or the failure, or neither yet. A
   * failure is checked to be a {@link SecurityHandshakeException} with a message.
   */
  private record Verdict(SecureSession session, Throwable failure) {

    static Verdict of(CompletableFuture<SecureSession> future) {
      if (!future.isDone()) {
        return new Verdict(null, null);
      }
      Throwable failure = future.handle((session, error) -> error).join();
      SecureSession session =
          decodesOrRejectsCleanly(
                  List.of(SecurityHandshakeException.class),
                  () -> "the remote's bytes",
                  () -> {
                    if (failure != null) {
                      throw failure;
                    }
                    return future.join();
                  })
              .orElse(null);
      return new Verdict(session, failure);
    }

    Class<?> failureType() {
      return failure == null ? null : failure.getClass();
    }
  }

  private static byte[] exchangeOf(PublicKey key) {
    return PlaintextProtos.Exchange.newBuilder()
        .setId(ByteString.copyFrom(PeerId.fromPublicKey(key).toBytes()))
        .setPubkey(ByteString.copyFrom(key.marshal()))
        .build()
        .toByteArray();
  }

  private static byte[] frame(byte[] message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(UnsignedVarint.encode(message.length));
    out.writeBytes(message);
    return out.toByteArray();
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static PeerId peerOf(String publicKeyHex) {
    return PeerId.fromPublicKey(PublicKey.unmarshal(TestVectors.hex(publicKeyHex)));
  }
}
