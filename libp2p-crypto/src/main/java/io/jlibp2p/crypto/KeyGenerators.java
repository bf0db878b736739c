package io.jlibp2p.crypto;

import java.security.SecureRandom;

/** Generates fresh keys of each type from one shared {@link SecureRandom}. */
final class KeyGenerators {

  /** The default RSA size: the smallest go and rust accept, and the fastest. */
  public static final int DEFAULT_RSA_BITS = 2048;

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyGenerators() {}

  public static PrivateKey generate(KeyType type) {
    return switch (type) {
      case ED25519 -> Ed25519PrivateKey.generate(RANDOM);
      case SECP256K1 -> Secp256k1PrivateKey.generate(RANDOM);
      case ECDSA -> EcdsaPrivateKey.generate(RANDOM);
      case RSA -> RsaPrivateKey.generate(DEFAULT_RSA_BITS, RANDOM);
    };
  }

  public static PrivateKey generateRsa(int bits) {
    return RsaPrivateKey.generate(bits, RANDOM);
  }
}
