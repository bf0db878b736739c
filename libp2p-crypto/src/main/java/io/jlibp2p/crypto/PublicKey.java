package io.jlibp2p.crypto;

import java.util.Arrays;

/**
 * A peer's public key: verifies its signatures and serializes to the libp2p {@code PublicKey}
 * protobuf, from which its {@link io.jlibp2p.crypto.PeerId} is derived. Immutable and thread-safe.
 *
 * <p>Two public keys are equal when their serialized forms are.
 */
public abstract class PublicKey {

  /** For the implementations in {@code io.jlibp2p.crypto}. */
  protected PublicKey() {}

  /**
   * Parses a serialized {@code PublicKey} protobuf.
   *
   * @throws InvalidKeyFormatException if the protobuf or the key data is malformed, or the type,
   *     curve or size is not supported
   */
  public static PublicKey unmarshal(byte[] bytes) {
    return KeyCodec.unmarshalPublic(bytes);
  }

  /** The key type. */
  public abstract KeyType type();

  /** The key data in the type's format from the spec (the protobuf's {@code Data} field). */
  public abstract byte[] raw();

  /**
   * Whether {@code signature} is this key's signature of {@code data}. A malformed signature is
   * simply not valid: this never throws for bad input.
   */
  public abstract boolean verify(byte[] data, byte[] signature);

  /** The deterministic {@code PublicKey} protobuf encoding: Type, then Data. */
  public final byte[] marshal() {
    return KeyCodec.marshalPublic(type(), raw());
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof PublicKey other && Arrays.equals(marshal(), other.marshal());
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(marshal());
  }

  @Override
  public String toString() {
    return type() + " public key";
  }
}
