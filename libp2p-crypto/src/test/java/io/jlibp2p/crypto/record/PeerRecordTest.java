package io.jlibp2p.crypto.record;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.internal.pb.EnvelopeProtos;
import io.jlibp2p.crypto.internal.pb.PeerRecordProtos;
import io.jlibp2p.multiformats.Multiaddr;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Signed envelopes (RFC 0002) and peer records (RFC 0003) in the form go and js use. */
class PeerRecordTest {

  private static final List<Multiaddr> ADDRESSES = List.of(
      Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001"), Multiaddr.fromString("/ip6/::1/udp/4001/quic-v1"));

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aSealedRecordOpensWithEveryKeyType(KeyType type) {
    PrivateKey key = PrivateKey.generate(type);
    PeerId peer = PeerId.fromPublicKey(key.publicKey());
    Envelope envelope = new PeerRecord(peer, 42, ADDRESSES).seal(key);

    SignedPeerRecord opened = PeerRecord.open(envelope.marshal());

    assertEquals(new PeerRecord(peer, 42, ADDRESSES), opened.record());
    assertEquals(key.publicKey(), opened.envelope().publicKey());
    assertArrayEquals(envelope.marshal(), opened.envelope().marshal());
  }

  @Test
  void theSignatureCoversLengthPrefixedDomainTypeAndPayload() {
    byte[] signed = Envelope.signedBytes("ab", new byte[] {3, 1}, new byte[] {9});
    assertEquals("02" + "6162" + "02" + "0301" + "01" + "09", HexFormat.of().formatHex(signed));
  }

  @Test
  void theEnvelopeUsesGosDomainAndTheTwoBytePayloadType() {
    PrivateKey key = PrivateKey.generate();
    Envelope envelope = new PeerRecord(PeerId.fromPublicKey(key.publicKey()), 1, ADDRESSES).seal(key);
    assertArrayEquals(new byte[] {0x03, 0x01}, envelope.payloadType());
    assertTrue(envelope.verifies("libp2p-peer-record"));
    assertFalse(envelope.verifies("libp2p-routing-state"));
  }

  @Test
  void aRecordInTheRfcsLegacyFormIsAccepted() {
    PrivateKey key = PrivateKey.generate();
    PeerId peer = PeerId.fromPublicKey(key.publicKey());
    Envelope legacy = Envelope.seal(key, PeerRecord.LEGACY_DOMAIN,
        "/libp2p/routing-state-record".getBytes(StandardCharsets.UTF_8), payload(peer, 7, ADDRESSES));
    assertEquals(7, PeerRecord.open(legacy.marshal()).record().seq());
  }

  @Test
  void aFlippedSignatureBitIsRejected() {
    PrivateKey key = PrivateKey.generate();
    Envelope envelope = new PeerRecord(PeerId.fromPublicKey(key.publicKey()), 1, ADDRESSES).seal(key);
    EnvelopeProtos.Envelope proto = parse(envelope);
    byte[] signature = proto.getSignature().toByteArray();
    signature[5] ^= 1;
    byte[] tampered = proto.toBuilder().setSignature(ByteString.copyFrom(signature)).build().toByteArray();
    assertRejects(InvalidRecordException.class, () -> PeerRecord.open(tampered));
  }

  @Test
  void aChangedPayloadIsRejected() {
    PrivateKey key = PrivateKey.generate();
    PeerId peer = PeerId.fromPublicKey(key.publicKey());
    EnvelopeProtos.Envelope proto = parse(new PeerRecord(peer, 1, ADDRESSES).seal(key));
    byte[] other = proto.toBuilder().setPayload(ByteString.copyFrom(payload(peer, 2, ADDRESSES))).build().toByteArray();
    assertRejects(InvalidRecordException.class, () -> PeerRecord.open(other));
  }

  @Test
  void aRecordSignedByAnotherPeersKeyIsRejected() {
    PrivateKey owner = PrivateKey.generate();
    PrivateKey signer = PrivateKey.generate();
    Envelope forged = Envelope.seal(signer, PeerRecord.DOMAIN, PeerRecord.payloadType(),
        payload(PeerId.fromPublicKey(owner.publicKey()), 1, ADDRESSES));
    InvalidRecordException error = assertRejects(InvalidRecordException.class, () -> PeerRecord.open(forged.marshal()));
    assertTrue(error.getMessage().contains("signed by another key"), error.getMessage());
  }

  @Test
  void sealingWithAnotherPeersKeyIsRefused() {
    PeerId someoneElse = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    assertThrows(IllegalArgumentException.class, () -> new PeerRecord(someoneElse, 1, ADDRESSES).seal(PrivateKey.generate()));
  }

  @Test
  void anotherPayloadTypeIsNotAPeerRecord() {
    PrivateKey key = PrivateKey.generate();
    Envelope envelope = Envelope.seal(key, PeerRecord.DOMAIN, new byte[] {0x03, 0x02},
        payload(PeerId.fromPublicKey(key.publicKey()), 1, ADDRESSES));
    assertRejects(InvalidRecordException.class, () -> PeerRecord.open(envelope.marshal()));
  }

  @Test
  void malformedEnvelopesAreRejected() {
    assertRejects(InvalidRecordException.class, () -> PeerRecord.open(new byte[] {(byte) 0xff, 1, 2}));
    assertRejects(InvalidRecordException.class, () -> PeerRecord.open(new byte[0]));
    assertRejects(InvalidRecordException.class, () -> Envelope.parse(new byte[Envelope.MAX_SIZE + 1]));
  }

  @Test
  void sequenceNumbersCompareUnsigned() {
    PeerId peer = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    assertTrue(new PeerRecord(peer, -1L, List.of()).isNewerThan(new PeerRecord(peer, Long.MAX_VALUE, List.of())));
    assertFalse(new PeerRecord(peer, 5, List.of()).isNewerThan(new PeerRecord(peer, 5, List.of())));
  }

  static byte[] payload(PeerId peer, long seq, List<Multiaddr> addresses) {
    PeerRecordProtos.PeerRecord.Builder proto = PeerRecordProtos.PeerRecord.newBuilder()
        .setPeerId(ByteString.copyFrom(peer.toBytes())).setSeq(seq);
    addresses.forEach(a -> proto.addAddresses(
        PeerRecordProtos.PeerRecord.AddressInfo.newBuilder().setMultiaddr(ByteString.copyFrom(a.toBytes()))));
    return proto.build().toByteArray();
  }

  private static EnvelopeProtos.Envelope parse(Envelope envelope) {
    try {
      return EnvelopeProtos.Envelope.parseFrom(envelope.marshal());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
