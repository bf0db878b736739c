package io.jlibp2p.crypto;

import java.security.MessageDigest;

/**
 * A node's private key: signs, gives its {@link PublicKey}, and serializes to the libp2p {@code
 * PrivateKey} protobuf. Immutable and thread-safe.
 *
 * <pre>{@code
 * PrivateKey key = PrivateKey.generate();            // Ed25519
 * byte[] signature = key.sign(message);
 * boolean ok = key.publicKey().verify(message, signature);
 * byte[] saved = key.marshal();                       // store it, then later:
 * PrivateKey same = PrivateKey.unmarshal(saved);
 * }</pre>
 */
public abstract class PrivateKey {

  /** For the implementations in {@code io.jlibp2p.crypto}. */
  protected PrivateKey() {}

  /** Generates an Ed25519 key, the libp2p default. */
  public static PrivateKey generate() {
    return generate(KeyType.ED25519);
  }

  /** Generates a key of {@code type}; RSA keys get 2048 bits. */
  public static PrivateKey generate(KeyType type) {
    return KeyGenerators.generate(type);
  }

  /**
   * Generates an RSA key.
   *
   * @throws IllegalArgumentException if {@code bits} is outside 2048..8192, which libp2p peers
   *     reject
   */
  public static PrivateKey generateRsa(int bits) {
    return KeyGenerators.generateRsa(bits);
  }

  /**
   * Parses a serialized {@code PrivateKey} protobuf.
   *
   * @throws InvalidKeyFormatException if the protobuf or the key data is malformed, or the type,
   *     curve or size is not supported
   */
  public static PrivateKey unmarshal(byte[] bytes) {
    return KeyCodec.unmarshalPrivate(bytes);
  }

  /** The key type. */
  public abstract KeyType type();

  /** The key data in the type's format from the spec (the protobuf's {@code Data} field). */
  public abstract byte[] raw();

  /** Signs {@code data} with the type's signature scheme. */
  public abstract byte[] sign(byte[] data);

  /** The matching public key. */
  public abstract PublicKey publicKey();

  /** The deterministic {@code PrivateKey} protobuf encoding: Type, then Data. */
  public final byte[] marshal() {
    return KeyCodec.marshalPrivate(type(), raw());
  }

  /** Equal when the serialized forms are, compared in constant time. */
  @Override
  public final boolean equals(Object o) {
    return o instanceof PrivateKey other && MessageDigest.isEqual(marshal(), other.marshal());
  }

  @Override
  public final int hashCode() {
    return publicKey().hashCode();
  }

  /** Names the type only: a private key never appears in logs. */
  @Override
  public String toString() {
    return type() + " private key";
  }
}
