package io.jlibp2p.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.crypto.internal.pb.CryptoProtos;
import java.util.Arrays;

/**
 * The libp2p key protobufs, and dispatch to each key type's decoder.
 *
 * <p>The peer-id spec requires a deterministic encoding: fields in tag order, minimal varints, the
 * type always present (even RSA = 0) and no other fields. Peer IDs hash these bytes, so an input
 * that is not in that form is rejected rather than silently re-encoded.
 */
final class KeyCodec {

  private KeyCodec() {}

  public static byte[] marshalPublic(KeyType type, byte[] data) {
    return CryptoProtos.PublicKey.newBuilder()
        .setType(toProto(type))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  public static byte[] marshalPrivate(KeyType type, byte[] data) {
    return CryptoProtos.PrivateKey.newBuilder()
        .setType(toProto(type))
        .setData(ByteString.copyFrom(data))
        .build()
        .toByteArray();
  }

  public static PublicKey unmarshalPublic(byte[] bytes) {
    CryptoProtos.PublicKey proto;
    try {
      proto = CryptoProtos.PublicKey.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidKeyFormatException("malformed PublicKey protobuf: " + e.getMessage(), e);
    }
    requireCanonical("PublicKey", bytes, proto.getUnknownFields().asMap().isEmpty(), proto.toByteArray());
    byte[] data = proto.getData().toByteArray();
    return switch (fromProto(proto.getType())) {
      case ED25519 -> Ed25519PublicKey.fromRaw(data);
      case SECP256K1 -> Secp256k1PublicKey.fromRaw(data);
      case ECDSA -> EcdsaPublicKey.fromRaw(data);
      case RSA -> RsaPublicKey.fromRaw(data);
    };
  }

  public static PrivateKey unmarshalPrivate(byte[] bytes) {
    CryptoProtos.PrivateKey proto;
    try {
      proto = CryptoProtos.PrivateKey.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidKeyFormatException("malformed PrivateKey protobuf: " + e.getMessage(), e);
    }
    requireCanonical("PrivateKey", bytes, proto.getUnknownFields().asMap().isEmpty(), proto.toByteArray());
    byte[] data = proto.getData().toByteArray();
    return switch (fromProto(proto.getType())) {
      case ED25519 -> Ed25519PrivateKey.fromRaw(data);
      case SECP256K1 -> Secp256k1PrivateKey.fromRaw(data);
      case ECDSA -> EcdsaPrivateKey.fromRaw(data);
      case RSA -> RsaPrivateKey.fromRaw(data);
    };
  }

  private static void requireCanonical(
      String message, byte[] input, boolean noUnknownFields, byte[] reencoded) {
    if (!noUnknownFields) {
      throw new InvalidKeyFormatException(message + " protobuf has fields besides Type and Data");
    }
    if (!Arrays.equals(input, reencoded)) {
      throw new InvalidKeyFormatException(
          message + " protobuf is not in the deterministic encoding the peer-id spec requires"
              + " (Type then Data, minimal varints, no repeated fields)");
    }
  }

  private static CryptoProtos.KeyType toProto(KeyType type) {
    return CryptoProtos.KeyType.forNumber(type.number());
  }

  private static KeyType fromProto(CryptoProtos.KeyType type) {
    for (KeyType candidate : KeyType.values()) {
      if (candidate.number() == type.getNumber()) {
        return candidate;
      }
    }
    throw new InvalidKeyFormatException("unsupported key type " + type);
  }
}
