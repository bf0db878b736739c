package io.jlibp2p.crypto.record;

import static io.jlibp2p.testing.DecodingAssertions.decodesOrRejectsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.internal.pb.CryptoProtos;
import io.jlibp2p.crypto.internal.pb.EnvelopeProtos;
import io.jlibp2p.crypto.internal.pb.PeerRecordProtos;
import io.jlibp2p.testing.TestVectors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Jazzer fuzz targets for signed envelopes (<a
 * href="https://github.com/libp2p/specs/blob/master/RFC/0002-signed-envelopes.md">RFC 0002</a>)
 * and peer records (<a
 * href="https://github.com/libp2p/specs/blob/master/RFC/0003-routing-records.md">RFC 0003</a>).
 * Each checks properties of the verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>rejected input throws {@link InvalidRecordException}, with a message; any other exception
 *       propagates, and Jazzer reports it;
 *   <li>an accepted envelope keeps its exact bytes, {@link Envelope#open} agrees with {@link
 *       Envelope#verifies}, and a signature for one domain does not verify for another;
 *   <li>protobuf reads more than one encoding of the same fields (any order, repeated and unknown
 *       fields), so an accepted envelope or payload is compared to its canonical re-encoding by the
 *       values it decodes to; our encoders ({@link Envelope#seal}, {@link PeerRecord#seal}) must
 *       write exactly that canonical encoding, which is checked by sealing again with the spec
 *       vectors' Ed25519 and secp256k1 keys, whose signatures are deterministic;
 *   <li>an opened peer record names its signer, and its payload decodes to it.
 * </ul>
 *
 * <p>The payload decoder is package-private, which is why this class is in {@code
 * io.jlibp2p.crypto.record} rather than a {@code fuzz} package. Mutated envelopes rarely keep a
 * valid signature, so {@link #signedPeerRecord} mostly fuzzes what is checked up to the signature
 * (and the parts that are not signed: the key's encoding, unknown fields), and {@link
 * #peerRecordPayload} fuzzes the payload behind it.
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/crypto/record/RecordsFuzzTestInputs/<method>/}: envelopes sealed by
 * {@link PeerRecord#seal} with the spec vectors' keys, payloads written by it, and edge cases. To
 * fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-crypto -Ddocs.phase=none \
 *     -Dtest='RecordsFuzzTest#envelope'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class RecordsFuzzTest {

  /** Envelopes are verified for the peer-record domain, which most seeds are signed for. */
  private static final String DOMAIN = PeerRecord.DOMAIN;

  private static final String OTHER_DOMAIN = PeerRecord.LEGACY_DOMAIN;

  /**
   * The spec vectors' keys that sign deterministically (Ed25519; secp256k1 with RFC 6979 nonces),
   * by public key: what they signed can be sealed again and compared byte for byte.
   */
  private static final Map<PublicKey, PrivateKey> DETERMINISTIC_SIGNERS =
      TestVectors.rows("peer-id-keys.tsv").stream()
          .filter(row -> List.of(KeyType.ED25519, KeyType.SECP256K1)
              .contains(KeyType.valueOf(row[0].toUpperCase(Locale.ROOT))))
          .map(row -> PrivateKey.unmarshal(TestVectors.hex(row[1])))
          .collect(Collectors.toMap(PrivateKey::publicKey, key -> key));

  @FuzzTest(maxDuration = "60s")
  void envelope(byte[] input) {
    Optional<Envelope> parsed =
        decodesOrRejectsCleanly(InvalidRecordException.class, "envelope", () -> Envelope.parse(input));
    if (parsed.isEmpty()) {
      return;
    }
    Envelope envelope = parsed.get();
    assertArrayEquals(input, envelope.marshal(), "a parsed envelope keeps its bytes");
    Optional<Envelope> opened =
        decodesOrRejectsCleanly(
            InvalidRecordException.class, "envelope", () -> Envelope.open(input, DOMAIN));
    opened.ifPresent(same -> assertEquals(envelope, same));

    Envelope rebuilt = Envelope.parse(canonical(envelope));
    assertEquals(envelope.publicKey(), rebuilt.publicKey());
    assertArrayEquals(envelope.payloadType(), rebuilt.payloadType());
    assertArrayEquals(envelope.payload(), rebuilt.payload());
    assertArrayEquals(envelope.signature(), rebuilt.signature());
    if (opened.isEmpty()) {
      return;
    }
    // The domain is among the signed bytes.
    assertFalse(envelope.verifies(OTHER_DOMAIN), "a signature verified for two domains");
    PrivateKey signer = DETERMINISTIC_SIGNERS.get(envelope.publicKey());
    if (signer != null) {
      Envelope sealed =
          Envelope.seal(signer, DOMAIN, envelope.payloadType(), envelope.payload());
      assertArrayEquals(rebuilt.marshal(), sealed.marshal(), "seal does not write the canonical form");
    }
  }

  @FuzzTest(maxDuration = "60s")
  void peerRecordPayload(byte[] input) {
    Optional<PeerRecord> decoded =
        decodesOrRejectsCleanly(
            InvalidRecordException.class, "peer record payload", () -> PeerRecord.fromPayload(input));
    if (decoded.isEmpty()) {
      return;
    }
    PeerRecord record = decoded.get();
    assertTrue(record.addresses().size() <= PeerRecord.MAX_ADDRESSES);
    // The record holds the values on the wire, unchanged (protobuf has already read them once).
    PeerRecordProtos.PeerRecord proto = parsePeerRecord(input);
    assertArrayEquals(proto.getPeerId().toByteArray(), record.peerId().toBytes());
    assertEquals(proto.getSeq(), record.seq());
    assertEquals(proto.getAddressesCount(), record.addresses().size());
    for (int i = 0; i < record.addresses().size(); i++) {
      assertArrayEquals(
          proto.getAddresses(i).getMultiaddr().toByteArray(), record.addresses().get(i).toBytes());
    }
    // The encoding is protobuf's canonical one: a fixed point, and the input if the input was.
    byte[] payload = record.toPayload();
    PeerRecord again = PeerRecord.fromPayload(payload);
    assertEquals(record, again);
    assertArrayEquals(payload, again.toPayload());
    assertArrayEquals(canonical(proto), payload);
  }

  @FuzzTest(maxDuration = "60s")
  void signedPeerRecord(byte[] input) {
    Optional<SignedPeerRecord> opened =
        decodesOrRejectsCleanly(
            InvalidRecordException.class, "signed peer record", () -> PeerRecord.open(input));
    if (opened.isEmpty()) {
      return;
    }
    Envelope envelope = opened.get().envelope();
    PeerRecord record = opened.get().record();
    assertArrayEquals(input, envelope.marshal(), "the envelope keeps its bytes");
    assertTrue(record.peerId().matches(envelope.publicKey()), "the record is not its signer's");
    assertEquals(record, PeerRecord.fromPayload(envelope.payload()));
    assertEquals(record, PeerRecord.fromPayload(record.toPayload()));
    PrivateKey signer = DETERMINISTIC_SIGNERS.get(envelope.publicKey());
    if (signer == null || !Arrays.equals(PeerRecord.payloadType(), envelope.payloadType())) {
      return;
    }
    // Sealed again, the record is the same; byte for byte where the payload was canonical.
    Envelope resealed = SignedPeerRecord.seal(record, signer).envelope();
    assertEquals(record, PeerRecord.open(resealed.marshal()).record());
    if (Arrays.equals(envelope.payload(), record.toPayload())) {
      assertArrayEquals(canonical(envelope), resealed.marshal());
    }
  }

  /** The envelope's fields in protobuf's canonical encoding, the key in the spec's. */
  private static byte[] canonical(Envelope envelope) {
    CryptoProtos.PublicKey key;
    try {
      key = CryptoProtos.PublicKey.parseFrom(envelope.publicKey().marshal());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("a marshalled key must parse", e);
    }
    return EnvelopeProtos.Envelope.newBuilder()
        .setPublicKey(key)
        .setPayloadType(ByteString.copyFrom(envelope.payloadType()))
        .setPayload(ByteString.copyFrom(envelope.payload()))
        .setSignature(ByteString.copyFrom(envelope.signature()))
        .build()
        .toByteArray();
  }

  /** The record's fields in protobuf's canonical encoding, without unknown fields. */
  private static byte[] canonical(PeerRecordProtos.PeerRecord proto) {
    PeerRecordProtos.PeerRecord.Builder builder =
        PeerRecordProtos.PeerRecord.newBuilder().setPeerId(proto.getPeerId()).setSeq(proto.getSeq());
    for (PeerRecordProtos.PeerRecord.AddressInfo address : proto.getAddressesList()) {
      builder.addAddresses(
          PeerRecordProtos.PeerRecord.AddressInfo.newBuilder().setMultiaddr(address.getMultiaddr()));
    }
    return builder.build().toByteArray();
  }

  private static PeerRecordProtos.PeerRecord parsePeerRecord(byte[] payload) {
    try {
      return PeerRecordProtos.PeerRecord.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the decoder accepted what protobuf cannot parse", e);
    }
  }
}
