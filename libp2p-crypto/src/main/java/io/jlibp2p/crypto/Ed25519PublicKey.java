package io.jlibp2p.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 public key: 32 raw bytes (RFC 8032).
 *
 * <p>BouncyCastle's RFC 8032 code rather than the JDK's EdDSA: the JDK's signs about 20 times and
 * verifies about 9 times slower, on JDK 17 and 25 alike (docs/benchmarks.md), and Ed25519 is on
 * every connection's handshake path.
 */
final class Ed25519PublicKey extends PublicKey {

  static final int LENGTH = 32;

  private final Ed25519PublicKeyParameters key;

  Ed25519PublicKey(Ed25519PublicKeyParameters key) {
    this.key = key;
  }

  static Ed25519PublicKey fromRaw(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new InvalidKeyFormatException(
          "Ed25519 public key must be " + LENGTH + " bytes, got " + raw.length);
    }
    try {
      return new Ed25519PublicKey(new Ed25519PublicKeyParameters(raw));
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyFormatException("Ed25519 public key is not a valid curve point", e);
    }
  }

  @Override
  public KeyType type() {
    return KeyType.ED25519;
  }

  @Override
  public byte[] raw() {
    return key.getEncoded();
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    if (signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    return key.verify(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
  }
}
