package io.jlibp2p.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

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
    SubjectPublicKeyInfo info = StrictDer.readSubjectPublicKeyInfo(raw, "RSA public key");
    AlgorithmIdentifier algorithm = info.getAlgorithm();
    // The JDK took other parameters than NULL (found by fuzzing); go takes only these.
    if (!PKCSObjectIdentifiers.rsaEncryption.equals(algorithm.getAlgorithm())
        || !DERNull.INSTANCE.equals(algorithm.getParameters())) {
      throw new InvalidKeyFormatException(
          "RSA public key's AlgorithmIdentifier is not rsaEncryption with NULL parameters, which go"
              + " requires (algorithm " + algorithm.getAlgorithm() + ")");
    }
    // Read as go reads it: the JDK (and BouncyCastle's RSAPublicKey) take a negative modulus for a
    // positive one, and the JDK keeps the bytes it was given, so that its re-encoding would not show
    // it.
    ASN1Primitive inner =
        StrictDer.read(info.getPublicKeyData().getOctets(), "RSA public key's RSAPublicKey");
    BigInteger modulus;
    BigInteger exponent;
    try {
      ASN1Sequence sequence = ASN1Sequence.getInstance(inner);
      if (sequence.size() != 2) {
        throw new IllegalArgumentException(sequence.size() + " elements, not 2");
      }
      modulus = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
      exponent = ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyFormatException(
          "RSA public key's subjectPublicKey is not an RSAPublicKey: " + e.getMessage(), e);
    }
    if (modulus.signum() <= 0 || exponent.signum() <= 0) {
      throw new InvalidKeyFormatException(
          "RSA public key's modulus or exponent is not a positive number, which go requires");
    }
    requireSupportedSize(modulus.bitLength());
    RSAPublicKey rsa;
    try {
      rsa =
          (RSAPublicKey)
              KeyFactory.getInstance("RSA")
                  .generatePublic(new RSAPublicKeySpec(modulus, exponent));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyFormatException("RSA public key was rejected by the JDK", e);
    }
    // Built from its parts, the JDK's key encodes canonically: this catches what the checks above
    // let through, so that raw() is always the input.
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
