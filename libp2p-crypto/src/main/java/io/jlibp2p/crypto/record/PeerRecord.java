package io.jlibp2p.crypto.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.internal.pb.PeerRecordProtos;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A peer's own statement of its addresses (<a
 * href="https://github.com/libp2p/specs/blob/master/RFC/0003-routing-records.md">RFC 0003</a>),
 * versioned by a sequence number that grows with every new record. Sent inside a signed {@link
 * Envelope}, for example in identify, it makes the addresses "certified".
 *
 * <p>The domain and payload type are those go-libp2p and js-libp2p use, {@value #DOMAIN} and the
 * bytes {@code 03 01}, not the strings in the RFC's text; records in the RFC's form ({@link
 * #LEGACY_DOMAIN}, which rust-libp2p still writes by default) are accepted too.
 *
 * <pre>{@code
 * Envelope envelope = new PeerRecord(host.peerId(), seq, addresses).seal(host.identity());
 * SignedPeerRecord received = PeerRecord.open(bytes);
 * }</pre>
 *
 * @param peerId the peer the addresses belong to; it must be the signer
 * @param seq the version, greater for every newer record of the same peer
 * @param addresses where the peer can be reached, without {@code /p2p/}
 */
public record PeerRecord(PeerId peerId, long seq, List<Multiaddr> addresses) {

  /** The signature domain go-libp2p and js-libp2p use. */
  public static final String DOMAIN = "libp2p-peer-record";

  /** The payload type go-libp2p and js-libp2p use: the multicodec 0x0301, as two raw bytes. */
  private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};

  /** The signature domain in the RFC's text, which rust-libp2p writes by default. */
  public static final String LEGACY_DOMAIN = "libp2p-routing-state";

  private static final byte[] LEGACY_PAYLOAD_TYPE = "/libp2p/routing-state-record".getBytes(StandardCharsets.UTF_8);

  /** At most this many addresses are kept in a record. */
  public static final int MAX_ADDRESSES = 64;

  /** Copies the addresses; {@code seq} is unsigned on the wire, and compared as such. */
  public PeerRecord {
    Objects.requireNonNull(peerId, "peerId");
    addresses = List.copyOf(addresses);
  }

  /** The payload type go-libp2p and js-libp2p use, {@code 03 01}. */
  public static byte[] payloadType() {
    return PAYLOAD_TYPE.clone();
  }

  /** Serializes the record and signs it with {@code key}, which must be {@link #peerId()}'s. */
  public Envelope seal(PrivateKey key) {
    if (!peerId.matches(key.publicKey())) {
      throw new IllegalArgumentException("a peer record for " + peerId + " must be signed with that peer's key");
    }
    return Envelope.seal(key, DOMAIN, PAYLOAD_TYPE, toPayload());
  }

  /** The {@code PeerRecord} protobuf that an envelope carries, in protobuf's canonical encoding. */
  byte[] toPayload() {
    PeerRecordProtos.PeerRecord.Builder proto = PeerRecordProtos.PeerRecord.newBuilder()
        .setPeerId(ByteString.copyFrom(peerId.toBytes()))
        .setSeq(seq);
    for (Multiaddr address : addresses) {
      proto.addAddresses(PeerRecordProtos.PeerRecord.AddressInfo.newBuilder()
          .setMultiaddr(ByteString.copyFrom(address.toBytes())));
    }
    return proto.build().toByteArray();
  }

  /**
   * Parses a serialized envelope that holds a peer record, and checks it: the signature verifies,
   * and the record names the peer whose key signed it.
   *
   * @throws InvalidRecordException if any of that fails, or the payload is not a peer record
   */
  public static SignedPeerRecord open(byte[] envelopeBytes) {
    Envelope envelope = Envelope.parse(envelopeBytes);
    byte[] type = envelope.payloadType();
    String domain;
    if (Arrays.equals(type, PAYLOAD_TYPE)) {
      domain = DOMAIN;
    } else if (Arrays.equals(type, LEGACY_PAYLOAD_TYPE)) {
      domain = LEGACY_DOMAIN;
    } else {
      throw new InvalidRecordException("envelope's payload type " + HexFormat.of().formatHex(type)
          + " is not a peer record (0301)");
    }
    if (!envelope.verifies(domain)) {
      throw new InvalidRecordException("peer record's signature does not verify with its " + envelope.publicKey().type() + " key");
    }
    PeerRecord record = fromPayload(envelope.payload());
    if (!record.peerId().matches(envelope.publicKey())) {
      throw new InvalidRecordException("peer record for " + record.peerId() + " is signed by another key, that of "
          + PeerId.fromPublicKey(envelope.publicKey()));
    }
    return new SignedPeerRecord(envelope, record);
  }

  /**
   * Parses the {@code PeerRecord} protobuf from an envelope's payload; unknown fields are ignored,
   * as protobuf readers do. The caller has verified the envelope first, as RFC 0003 requires.
   *
   * @throws InvalidRecordException if it is not a protobuf, lists more than {@link #MAX_ADDRESSES}
   *     addresses, or holds a peer ID or multiaddr that does not decode
   */
  static PeerRecord fromPayload(byte[] payload) {
    PeerRecordProtos.PeerRecord proto;
    try {
      proto = PeerRecordProtos.PeerRecord.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidRecordException("peer record is not a valid protobuf: " + e.getMessage(), e);
    }
    if (proto.getAddressesCount() > MAX_ADDRESSES) {
      throw new InvalidRecordException("peer record lists " + proto.getAddressesCount() + " addresses, more than " + MAX_ADDRESSES);
    }
    try {
      PeerId peer = PeerId.fromBytes(proto.getPeerId().toByteArray());
      List<Multiaddr> addresses = new ArrayList<>();
      for (PeerRecordProtos.PeerRecord.AddressInfo info : proto.getAddressesList()) {
        addresses.add(Multiaddr.fromBytes(info.getMultiaddr().toByteArray()));
      }
      return new PeerRecord(peer, proto.getSeq(), addresses);
    } catch (DecodingException e) {
      throw new InvalidRecordException("peer record holds an invalid field: " + e.getMessage(), e);
    }
  }

  /** Whether this record is newer than {@code other}: its sequence number is greater, unsigned. */
  public boolean isNewerThan(PeerRecord other) {
    return Long.compareUnsigned(seq, other.seq) > 0;
  }
}
