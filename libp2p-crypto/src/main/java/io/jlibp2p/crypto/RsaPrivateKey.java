package io.jlibp2p.crypto;

import java.io.IOException;
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
    RSAPrivateKey pkcs1;
    try {
      pkcs1 = RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(raw));
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyFormatException("RSA private key is not PKCS#1 DER", e);
    }
    RsaPublicKey.requireSupportedSize(pkcs1.getModulus().bitLength());
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
