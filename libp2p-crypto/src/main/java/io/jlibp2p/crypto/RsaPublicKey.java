package io.jlibp2p.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;

/** An RSA public key, as a DER PKIX SubjectPublicKeyInfo; 2048 to 8192 bits, as go accepts. */
final class RsaPublicKey extends PublicKey {

  static final int MIN_BITS = 2048;
  static final int MAX_BITS = 8192;
  static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

  private final RSAPublicKey key;

  RsaPublicKey(RSAPublicKey key) {
    this.key = key;
  }

  static RsaPublicKey fromRaw(byte[] raw) {
    StrictDer.readSubjectPublicKeyInfo(raw, "RSA public key");
    java.security.PublicKey decoded;
    try {
      decoded = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(raw));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidKeyFormatException(
          "RSA public key is not a DER SubjectPublicKeyInfo of an RSA key", e);
    }
    RSAPublicKey rsa = (RSAPublicKey) decoded;
    requireSupportedSize(rsa.getModulus().bitLength());
    StrictDer.requireReencodes(raw, rsa.getEncoded(), "RSA public key");
    return new RsaPublicKey(rsa);
  }

  static void requireSupportedSize(int bits) {
    if (bits < MIN_BITS || bits > MAX_BITS) {
      throw new InvalidKeyFormatException(
          "RSA key of " + bits + " bits; libp2p peers accept " + MIN_BITS + " to " + MAX_BITS);
    }
  }

  @Override
  public KeyType type() {
    return KeyType.RSA;
  }

  @Override
  public byte[] raw() {
    return key.getEncoded();
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    return JcaSignatures.verify(SIGNATURE_ALGORITHM, key, data, signature);
  }
}
