package io.jlibp2p.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;

/** An ECDSA P-256 public key, as a DER PKIX SubjectPublicKeyInfo. */
final class EcdsaPublicKey extends PublicKey {

  private final ECPublicKey key;

  EcdsaPublicKey(ECPublicKey key) {
    this.key = key;
  }

  static EcdsaPublicKey fromRaw(byte[] raw) {
    StrictDer.readSubjectPublicKeyInfo(raw, "ECDSA public key");
    java.security.PublicKey decoded;
    try {
      decoded = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(raw));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidKeyFormatException(
          "ECDSA public key is not a DER SubjectPublicKeyInfo of an EC key", e);
    }
    if (!(decoded instanceof ECPublicKey ec) || !P256Curve.isP256(ec.getParams())) {
      throw new InvalidKeyFormatException("ECDSA public key is not on P-256, the supported curve");
    }
    // The JDK does not check the point, and an invalid one invites invalid-curve attacks.
    if (!P256Curve.contains(ec.getW())) {
      throw new InvalidKeyFormatException("ECDSA public key's point is not on P-256");
    }
    StrictDer.requireReencodes(raw, ec.getEncoded(), "ECDSA public key");
    return new EcdsaPublicKey(ec);
  }

  ECPublicKey jdkKey() {
    return key;
  }

  @Override
  public KeyType type() {
    return KeyType.ECDSA;
  }

  @Override
  public byte[] raw() {
    return key.getEncoded();
  }

  @Override
  public boolean verify(byte[] data, byte[] signature) {
    return JcaSignatures.verify(P256Curve.SIGNATURE_ALGORITHM, key, data, signature);
  }
}
