package io.jlibp2p.crypto;

/**
 * The key types of the libp2p <a
 * href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys">peer-id spec</a>,
 * with their protobuf numbers.
 */
public enum KeyType {
  /** RSA, 2048 to 8192 bits; signatures are RSASSA-PKCS1-v1_5 over SHA-256. */
  RSA(0),
  /** Ed25519 (RFC 8032): the default, and the only type every peer must support. */
  ED25519(1),
  /** ECDSA on secp256k1 over SHA-256, as in Bitcoin and Ethereum. */
  SECP256K1(2),
  /** ECDSA on NIST P-256 over SHA-256. */
  ECDSA(3);

  private final int number;

  KeyType(int number) {
    this.number = number;
  }

  /** The number in the {@code KeyType} protobuf enum. */
  public int number() {
    return number;
  }
}
