package io.jlibp2p.crypto.record;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.InvalidKeyFormatException;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.internal.pb.CryptoProtos;
import io.jlibp2p.crypto.internal.pb.EnvelopeProtos;
import io.jlibp2p.multiformats.UnsignedVarint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed envelope (<a
 * href="https://github.com/libp2p/specs/blob/master/RFC/0002-signed-envelopes.md">RFC 0002</a>):
 * a payload of a declared type, signed by a peer's key for one domain, so that it can be relayed
 * by others and still be trusted. Immutable.
 *
 * <p>The signature covers {@code uvarint(len(domain)) || domain || uvarint(len(type)) || type ||
 * uvarint(len(payload)) || payload}; the key itself is not signed. An envelope that was parsed
 * keeps the exact bytes it came in, and {@link #marshal()} returns them.
 */
public final class Envelope {

  /** Far above a peer record with its 32 addresses, far below harm. */
  public static final int MAX_SIZE = 64 * 1024;

  private final PublicKey publicKey;
  private final byte[] payloadType;
  private final byte[] payload;
  private final byte[] signature;
  private final byte[] encoded;

  private Envelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature, byte[] encoded) {
    this.publicKey = publicKey;
    this.payloadType = payloadType;
    this.payload = payload;
    this.signature = signature;
    this.encoded = encoded;
  }

  /** Signs {@code payload} of {@code payloadType} with {@code key}, for {@code domain}. */
  public static Envelope seal(PrivateKey key, String domain, byte[] payloadType, byte[] payload) {
    Objects.requireNonNull(key, "key");
    byte[] type = payloadType.clone();
    byte[] body = payload.clone();
    byte[] signature = key.sign(signedBytes(domain, type, body));
    PublicKey publicKey = key.publicKey();
    byte[] encoded = EnvelopeProtos.Envelope.newBuilder()
        .setPublicKey(keyProto(publicKey))
        .setPayloadType(ByteString.copyFrom(type))
        .setPayload(ByteString.copyFrom(body))
        .setSignature(ByteString.copyFrom(signature))
        .build()
        .toByteArray();
    return new Envelope(publicKey, type, body, signature, encoded);
  }

  /**
   * Parses an envelope and verifies its signature for {@code domain}.
   *
   * @throws InvalidRecordException if it is malformed or larger than {@link #MAX_SIZE}, its key
   *     does not parse, or its signature does not verify for {@code domain}
   */
  public static Envelope open(byte[] bytes, String domain) {
    Envelope envelope = parse(bytes);
    if (!envelope.verifies(domain)) {
      throw new InvalidRecordException("the envelope's signature does not verify for domain \"" + domain
          + "\" with its " + envelope.publicKey.type() + " key");
    }
    return envelope;
  }

  /**
   * Parses an envelope without verifying it; see {@link #verifies(String)}.
   *
   * @throws InvalidRecordException if it is malformed or larger than {@link #MAX_SIZE}, or its key
   *     does not parse
   */
  public static Envelope parse(byte[] bytes) {
    if (bytes.length > MAX_SIZE) {
      throw new InvalidRecordException("envelope of " + bytes.length + " bytes exceeds the limit of " + MAX_SIZE);
    }
    EnvelopeProtos.Envelope proto;
    try {
      proto = EnvelopeProtos.Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidRecordException("envelope is not a valid protobuf: " + e.getMessage(), e);
    }
    if (!proto.hasPublicKey()) {
      throw new InvalidRecordException("envelope has no public key");
    }
    PublicKey key;
    try {
      // The key is not among the signed bytes, so protobuf's re-encoding of it changes nothing.
      key = PublicKey.unmarshal(proto.getPublicKey().toByteArray());
    } catch (InvalidKeyFormatException e) {
      throw new InvalidRecordException("envelope's public key is invalid: " + e.getMessage(), e);
    }
    return new Envelope(key, proto.getPayloadType().toByteArray(), proto.getPayload().toByteArray(),
        proto.getSignature().toByteArray(), bytes.clone());
  }

  /** Whether the signature is the key's, over this payload and type, for {@code domain}. */
  public boolean verifies(String domain) {
    return publicKey.verify(signedBytes(domain, payloadType, payload), signature);
  }

  /** The bytes the signature covers. */
  static byte[] signedBytes(String domain, byte[] payloadType, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + payloadType.length + 64);
    for (byte[] field : new byte[][] {domain.getBytes(StandardCharsets.UTF_8), payloadType, payload}) {
      out.writeBytes(UnsignedVarint.encode(field.length));
      out.writeBytes(field);
    }
    return out.toByteArray();
  }

  private static CryptoProtos.PublicKey keyProto(PublicKey key) {
    try {
      return CryptoProtos.PublicKey.parseFrom(key.marshal());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("our own key encoding must parse", e);
    }
  }

  /** The signer's key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The payload's type, such as a multicodec code. */
  public byte[] payloadType() {
    return payloadType.clone();
  }

  /** The signed payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** The signature. */
  public byte[] signature() {
    return signature.clone();
  }

  /** The serialized {@code Envelope} protobuf: the bytes it was parsed from, if it was parsed. */
  public byte[] marshal() {
    return encoded.clone();
  }

  /** Envelopes are equal when their serialized forms are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope other && Arrays.equals(encoded, other.encoded);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return "Envelope(type " + HexFormat.of().formatHex(payloadType) + ", " + payload.length
        + "-byte payload, signed by " + publicKey.type() + ")";
  }
}
