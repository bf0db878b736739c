package io.jlibp2p.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

/** An RSA private key, as PKCS#1 {@code RSAPrivateKey} DER. Signs RSASSA-PKCS1-v1_5 with SHA-256. */
final class RsaPrivateKey extends PrivateKey {

  private final RSAPrivateCrtKey key;
  private final RsaPublicKey publicKey;

  private RsaPrivateKey(RSAPrivateCrtKey key) {
    this.key = key;
    try {
      this.publicKey =
          new RsaPublicKey(
              (RSAPublicKey)
                  KeyFactory.getInstance("RSA")
                      .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyFormatException("RSA public key could not be derived", e);
    }
  }

  static RsaPrivateKey generate(int bits, SecureRandom random) {
    if (bits < RsaPublicKey.MIN_BITS || bits > RsaPublicKey.MAX_BITS) {
      throw new IllegalArgumentException(
          "RSA keys must have " + RsaPublicKey.MIN_BITS + " to " + RsaPublicKey.MAX_BITS
              + " bits, got " + bits);
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
      return new RsaPrivateKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK generates RSA keys", e);
    }
  }

  static RsaPrivateKey fromRaw(byte[] raw) {
    ASN1Primitive der = StrictDer.read(raw, "RSA private key");
    RSAPrivateKey pkcs1;
    try {
      pkcs1 = RSAPrivateKey.getInstance(der);
    } catch (RuntimeException e) {
      throw new InvalidKeyFormatException("RSA private key is not a PKCS#1 RSAPrivateKey", e);
    }
    RsaPublicKey.requireSupportedSize(pkcs1.getModulus().bitLength());
    requireConsistent(pkcs1);
    try {
      RSAPrivateCrtKey key =
          (RSAPrivateCrtKey)
              KeyFactory.getInstance("RSA")
                  .generatePrivate(
                      new RSAPrivateCrtKeySpec(
                          pkcs1.getModulus(),
                          pkcs1.getPublicExponent(),
                          pkcs1.getPrivateExponent(),
                          pkcs1.getPrime1(),
                          pkcs1.getPrime2(),
                          pkcs1.getExponent1(),
                          pkcs1.getExponent2(),
                          pkcs1.getCoefficient()));
      return new RsaPrivateKey(key);
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyFormatException("RSA private key was rejected by the JDK", e);
    }
  }

  /**
   * Rejects a key whose parts disagree, as go's {@code rsa.PrivateKey.Validate} does: the JDK takes
   * such a key and only fails when it signs. Arithmetic only, no primality test: a few
   * multiplications and reductions, far cheaper than one signature.
   */
  private static void requireConsistent(RSAPrivateKey key) {
    BigInteger n = key.getModulus();
    BigInteger e = key.getPublicExponent();
    BigInteger d = key.getPrivateExponent();
    BigInteger p = key.getPrime1();
    BigInteger q = key.getPrime2();
    if (e.compareTo(BigInteger.ONE) <= 0 || d.signum() <= 0) {
      throw new InvalidKeyFormatException(
          "RSA private key has a public exponent below 2 or a private exponent below 1");
    }
    if (p.compareTo(BigInteger.ONE) <= 0
        || q.compareTo(BigInteger.ONE) <= 0
        || !p.multiply(q).equals(n)) {
      throw new InvalidKeyFormatException("RSA private key is inconsistent: n is not p*q");
    }
    BigInteger pMinus1 = p.subtract(BigInteger.ONE);
    BigInteger qMinus1 = q.subtract(BigInteger.ONE);
    BigInteger ed = e.multiply(d);
    if (!ed.mod(pMinus1).equals(BigInteger.ONE) || !ed.mod(qMinus1).equals(BigInteger.ONE)) {
      throw new InvalidKeyFormatException(
          "RSA private key is inconsistent: its exponents are not inverses (e*d is not 1 mod p-1"
              + " and q-1)");
    }
    if (!key.getExponent1().equals(d.mod(pMinus1))) {
      throw new InvalidKeyFormatException("RSA private key is inconsistent: dP is not d mod p-1");
    }
    if (!key.getExponent2().equals(d.mod(qMinus1))) {
      throw new InvalidKeyFormatException("RSA private key is inconsistent: dQ is not d mod q-1");
    }
    BigInteger coefficient = key.getCoefficient();
    if (coefficient.signum() <= 0
        || coefficient.compareTo(p) >= 0
        || !coefficient.multiply(q).mod(p).equals(BigInteger.ONE)) {
      throw new InvalidKeyFormatException(
          "RSA private key is inconsistent: its coefficient is not q^-1 mod p");
    }
  }

  @Override
  public KeyType type() {
    return KeyType.RSA;
  }

  @Override
  public byte[] raw() {
    try {
      return new RSAPrivateKey(
              key.getModulus(),
              key.getPublicExponent(),
              key.getPrivateExponent(),
              key.getPrimeP(),
              key.getPrimeQ(),
              key.getPrimeExponentP(),
              key.getPrimeExponentQ(),
              key.getCrtCoefficient())
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory cannot fail", e);
    }
  }

  @Override
  public byte[] sign(byte[] data) {
    return JcaSignatures.sign(RsaPublicKey.SIGNATURE_ALGORITHM, key, data);
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }
}
