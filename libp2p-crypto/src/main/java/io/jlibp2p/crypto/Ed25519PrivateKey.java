package io.jlibp2p.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key. Its data is the 32-byte seed followed by the 32-byte public key, as go
 * writes it; the legacy 96-byte form (seed, public key, public key again) is read too.
 */
final class Ed25519PrivateKey extends PrivateKey {

  private static final int SEED_LENGTH = 32;

  private final Ed25519PrivateKeyParameters key;
  private final Ed25519PublicKey publicKey;

  private Ed25519PrivateKey(Ed25519PrivateKeyParameters key) {
    this.key = key;
    this.publicKey = new Ed25519PublicKey(key.generatePublicKey());
  }

  static Ed25519PrivateKey generate(SecureRandom random) {
    return new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(random));
  }

  static Ed25519PrivateKey fromRaw(byte[] raw) {
    int publicLength = Ed25519PublicKey.LENGTH;
    if (raw.length != SEED_LENGTH + publicLength && raw.length != SEED_LENGTH + 2 * publicLength) {
      throw new InvalidKeyFormatException(
          "Ed25519 private key must be 64 bytes (seed and public key) or the legacy 96, got "
              + raw.length);
    }
    byte[] publicPart = Arrays.copyOfRange(raw, SEED_LENGTH, SEED_LENGTH + publicLength);
    if (raw.length > SEED_LENGTH + publicLength
        && !Arrays.equals(publicPart, Arrays.copyOfRange(raw, SEED_LENGTH + publicLength, raw.length))) {
      throw new InvalidKeyFormatException(
          "legacy 96-byte Ed25519 private key has two different public keys");
    }
    Ed25519PrivateKey key = new Ed25519PrivateKey(new Ed25519PrivateKeyParameters(raw, 0));
    if (!MessageDigest.isEqual(publicPart, key.publicKey.raw())) {
      throw new InvalidKeyFormatException(
          "Ed25519 private key's public half does not match its seed");
    }
    return key;
  }

  @Override
  public KeyType type() {
    return KeyType.ED25519;
  }

  @Override
  public byte[] raw() {
    byte[] out = new byte[SEED_LENGTH + Ed25519PublicKey.LENGTH];
    key.encode(out, 0);
    System.arraycopy(publicKey.raw(), 0, out, SEED_LENGTH, Ed25519PublicKey.LENGTH);
    return out;
  }

  @Override
  public byte[] sign(byte[] data) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    key.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
    return signature;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }
}
