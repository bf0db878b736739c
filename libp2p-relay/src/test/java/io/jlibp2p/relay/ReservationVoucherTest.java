package io.jlibp2p.relay;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.Envelope;
import io.jlibp2p.crypto.record.InvalidRecordException;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Reservation vouchers: made by a relay, checked by anyone, forgeries refused. */
class ReservationVoucherTest {

  private static final PrivateKey RELAY_KEY = PrivateKey.generate(KeyType.ED25519);
  private static final PeerId RELAY = PeerId.fromPublicKey(RELAY_KEY.publicKey());
  private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate(KeyType.SECP256K1).publicKey());
  private static final Instant EXPIRY = Instant.ofEpochSecond(1_800_000_000L);

  @Test
  void aSealedVoucherOpensToItself() {
    ReservationVoucher voucher = new ReservationVoucher(RELAY, PEER, EXPIRY);
    Envelope envelope = voucher.seal(RELAY_KEY);
    assertArrayEquals(new byte[] {0x03, 0x02}, envelope.payloadType());
    assertEquals(voucher, ReservationVoucher.open(envelope.marshal()));
  }

  @Test
  void itsPayloadIsTheSpecsVoucherMessage() throws Exception {
    Envelope envelope = new ReservationVoucher(RELAY, PEER, EXPIRY).seal(RELAY_KEY);
    CircuitProtos.Voucher payload = CircuitProtos.Voucher.parseFrom(envelope.payload());
    assertArrayEquals(RELAY.toBytes(), payload.getRelay().toByteArray());
    assertArrayEquals(PEER.toBytes(), payload.getPeer().toByteArray());
    assertEquals(1_800_000_000L, payload.getExpiration());
    // Fields in order 1, 2, 3, as go's and rust's canonical encoding: relay first.
    assertEquals("0a", HexFormat.of().formatHex(envelope.payload(), 0, 1));
  }

  @Test
  void onlyTheRelayCanSignItsVoucher() {
    PrivateKey other = PrivateKey.generate(KeyType.ED25519);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReservationVoucher(RELAY, PEER, EXPIRY).seal(other));
    assertTrue(e.getMessage().contains("signed by its relay"), e.getMessage());
  }

  @Test
  void aVoucherSignedByAnotherKeyThanItsRelayIsRefused() {
    PrivateKey forger = PrivateKey.generate(KeyType.ED25519);
    byte[] payload = CircuitProtos.Voucher.newBuilder()
        .setRelay(ByteString.copyFrom(RELAY.toBytes()))
        .setPeer(ByteString.copyFrom(PEER.toBytes()))
        .setExpiration(1_800_000_000L)
        .build().toByteArray();
    byte[] forged = Envelope.seal(forger, ReservationVoucher.DOMAIN, ReservationVoucher.payloadType(), payload).marshal();
    InvalidRecordException e = assertRejects(InvalidRecordException.class, () -> ReservationVoucher.open(forged));
    assertTrue(e.getMessage().contains("signed by another key"), e.getMessage());
  }

  @Test
  void anEnvelopeOfAnotherDomainOrTypeIsNoVoucher() {
    byte[] payload = CircuitProtos.Voucher.newBuilder().setRelay(ByteString.copyFrom(RELAY.toBytes())).build().toByteArray();
    byte[] otherDomain = Envelope.seal(RELAY_KEY, "libp2p-peer-record", ReservationVoucher.payloadType(), payload).marshal();
    assertRejects(InvalidRecordException.class, () -> ReservationVoucher.open(otherDomain));
    byte[] otherType = Envelope.seal(RELAY_KEY, ReservationVoucher.DOMAIN, new byte[] {0x03, 0x01}, payload).marshal();
    assertTrue(assertRejects(InvalidRecordException.class, () -> ReservationVoucher.open(otherType))
        .getMessage().contains("payload type is 0x0301"));
    byte[] missingFields = Envelope.seal(RELAY_KEY, ReservationVoucher.DOMAIN, ReservationVoucher.payloadType(), payload)
        .marshal();
    assertTrue(assertRejects(InvalidRecordException.class, () -> ReservationVoucher.open(missingFields))
        .getMessage().contains("lacks its relay, peer or expiration"));
  }

  @Test
  void anExpirationPastWhatJavaCanHoldIsRefused() {
    byte[] payload = CircuitProtos.Voucher.newBuilder()
        .setRelay(ByteString.copyFrom(RELAY.toBytes()))
        .setPeer(ByteString.copyFrom(PEER.toBytes()))
        .setExpiration(Long.MAX_VALUE)
        .build().toByteArray();
    byte[] far = Envelope.seal(RELAY_KEY, ReservationVoucher.DOMAIN, ReservationVoucher.payloadType(), payload).marshal();
    assertTrue(assertRejects(InvalidRecordException.class, () -> ReservationVoucher.open(far))
        .getMessage().contains("past the last instant"));
  }
}
