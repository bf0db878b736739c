package io.jlibp2p.relay;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.Envelope;
import io.jlibp2p.crypto.record.InvalidRecordException;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A reservation voucher: a relay's signed word that it holds a slot for a peer until a time,
 * which the peer may show others. On the wire it is a signed envelope (RFC 0002) with the domain
 * {@value #DOMAIN} and the payload type {@code 0x0302}, as go, rust and js make them.
 *
 * <pre>{@code
 * ReservationVoucher voucher = new ReservationVoucher(host.peerId(), peer, java.time.Instant.ofEpochSecond(1_800_000_000L));
 * byte[] wire = voucher.seal(host.identity()).marshal();
 * ReservationVoucher read = ReservationVoucher.open(wire); // signed by read.relay(), or thrown
 * }</pre>
 *
 * @param relay the relay that holds the reservation, and signs the voucher
 * @param peer the peer the reservation is for
 * @param expiration when the reservation ends, in whole seconds since the epoch
 */
public record ReservationVoucher(PeerId relay, PeerId peer, Instant expiration) {

  /** The envelope's signature domain. */
  public static final String DOMAIN = "libp2p-relay-rsvp";

  private static final byte[] PAYLOAD_TYPE = {0x03, 0x02};

  /** @throws IllegalArgumentException if {@code expiration} is before the epoch or not whole seconds */
  public ReservationVoucher {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(expiration, "expiration");
    if (expiration.getEpochSecond() < 0 || expiration.getNano() != 0) {
      throw new IllegalArgumentException("a voucher's expiration is whole seconds since the epoch: " + expiration);
    }
  }

  /** The envelope's payload type, {@code 0x0302}. */
  public static byte[] payloadType() {
    return PAYLOAD_TYPE.clone();
  }

  /**
   * Signs the voucher with the relay's key.
   *
   * @throws IllegalArgumentException if {@code relayKey} is not {@link #relay}'s
   */
  public Envelope seal(PrivateKey relayKey) {
    if (!relay.matches(relayKey.publicKey())) {
      throw new IllegalArgumentException("a voucher is signed by its relay " + relay + ", not by "
          + PeerId.fromPublicKey(relayKey.publicKey()));
    }
    byte[] payload = CircuitProtos.Voucher.newBuilder()
        .setRelay(ByteString.copyFrom(relay.toBytes()))
        .setPeer(ByteString.copyFrom(peer.toBytes()))
        .setExpiration(expiration.getEpochSecond())
        .build()
        .toByteArray();
    return Envelope.seal(relayKey, DOMAIN, PAYLOAD_TYPE, payload);
  }

  /**
   * Reads a voucher from its envelope's bytes and checks it: the signature for {@value #DOMAIN},
   * the payload type, every field present, and the signer being the relay it names.
   *
   * @throws InvalidRecordException if any of that fails
   */
  public static ReservationVoucher open(byte[] envelope) {
    Envelope opened = Envelope.open(envelope, DOMAIN);
    if (!Arrays.equals(opened.payloadType(), PAYLOAD_TYPE)) {
      throw new InvalidRecordException("not a reservation voucher: its payload type is 0x"
          + HexFormat.of().formatHex(opened.payloadType()) + ", not 0x0302");
    }
    CircuitProtos.Voucher voucher;
    try {
      voucher = CircuitProtos.Voucher.parseFrom(opened.payload());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidRecordException("a reservation voucher's payload is malformed: " + e.getMessage(), e);
    }
    if (!voucher.hasRelay() || !voucher.hasPeer() || !voucher.hasExpiration()) {
      throw new InvalidRecordException("a reservation voucher lacks its relay, peer or expiration");
    }
    PeerId relay = peerId(voucher.getRelay(), "relay");
    if (!relay.matches(opened.publicKey())) {
      throw new InvalidRecordException("a reservation voucher for relay " + relay + " is signed by another key, "
          + PeerId.fromPublicKey(opened.publicKey()));
    }
    if (voucher.getExpiration() < 0 || voucher.getExpiration() > Instant.MAX.getEpochSecond()) {
      throw new InvalidRecordException("a reservation voucher's expiration is past the last instant Java knows: "
          + Long.toUnsignedString(voucher.getExpiration()) + " s");
    }
    return new ReservationVoucher(relay, peerId(voucher.getPeer(), "peer"), Instant.ofEpochSecond(voucher.getExpiration()));
  }

  private static PeerId peerId(ByteString bytes, String field) {
    try {
      return PeerId.fromBytes(bytes.toByteArray());
    } catch (DecodingException e) {
      throw new InvalidRecordException("a reservation voucher's " + field + " is no peer ID: " + e.getMessage(), e);
    }
  }
}
