package io.jlibp2p.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;

/**
 * An ECDSA P-256 private key, as a SEC1 {@code ECPrivateKey} DER structure with the curve OID and
 * the public key, like go's {@code x509.MarshalECPrivateKey}.
 *
 * <p>The peer-id spec's prose says PKIX here, but its test vector and every implementation use
 * SEC1; the vector wins. Read as go reads it: the curve OID is required, the public key may be left
 * out, and the scalar may be shorter than 32 bytes or padded with zeros; written in go's one form.
 */
final class EcdsaPrivateKey extends PrivateKey {

  private static final int SCALAR_BITS = 256;

  private final ECPrivateKey key;
  private final EcdsaPublicKey publicKey;

  private EcdsaPrivateKey(ECPrivateKey key, EcdsaPublicKey publicKey) {
    this.key = key;
    this.publicKey = publicKey;
  }

  static EcdsaPrivateKey generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      KeyPair pair = generator.generateKeyPair();
      return new EcdsaPrivateKey(
          (ECPrivateKey) pair.getPrivate(), new EcdsaPublicKey((ECPublicKey) pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK generates P-256 keys", e);
    }
  }

  static EcdsaPrivateKey fromRaw(byte[] raw) {
    ASN1Primitive der = StrictDer.read(raw, "ECDSA private key");
    BigInteger version;
    BigInteger scalar;
    Object curve;
    ASN1BitString embeddedPublic;
    try {
      // BouncyCastle parses the optional fields lazily, so read them all inside this block.
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
          org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der);
      version = ASN1Integer.getInstance(ASN1Sequence.getInstance(der).getObjectAt(0)).getValue();
      scalar = sec1.getKey();
      curve = sec1.getParametersObject();
      embeddedPublic = sec1.getPublicKey();
    } catch (RuntimeException e) {
      throw new InvalidKeyFormatException("ECDSA private key is not a SEC1 ECPrivateKey", e);
    }
    if (!BigInteger.ONE.equals(version)) {
      throw new InvalidKeyFormatException(
          "ECDSA private key is ECPrivateKey version " + version + "; RFC 5915 requires version 1");
    }
    // RFC 5915 makes the curve optional, but go's x509.ParseECPrivateKey requires it.
    if (curve == null) {
      throw new InvalidKeyFormatException(
          "ECDSA private key names no curve; go requires the P-256 OID in its parameters");
    }
    if (!P256Curve.OID.equals(curve)) {
      // Only an OID is printed: other parameters are the stranger's ASN.1, whose toString can
      // throw (a UTF8String of bad UTF-8 did, found by fuzzing).
      String which = curve instanceof ASN1ObjectIdentifier oid
          ? "on curve " + oid.getId()
          : "given curve parameters that are not a named curve's OID";
      throw new InvalidKeyFormatException(
          "ECDSA private key is " + which + ", but only P-256 is supported");
    }
    if (scalar.signum() <= 0 || scalar.compareTo(P256Curve.PARAMETERS.getOrder()) >= 0) {
      throw new InvalidKeyFormatException("ECDSA private key is outside [1, n-1]");
    }
    java.security.spec.ECPoint point = P256Curve.publicPoint(scalar);
    if (embeddedPublic != null) {
      StrictDer.requireWholeBytes(embeddedPublic, "ECDSA private key's publicKey");
      if (!java.util.Arrays.equals(
          embeddedPublic.getOctets(), P256Curve.encodeUncompressed(point))) {
        throw new InvalidKeyFormatException(
            "ECDSA private key embeds a public key that does not match its scalar");
      }
    }
    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      ECPrivateKey key =
          (ECPrivateKey) factory.generatePrivate(new ECPrivateKeySpec(scalar, P256Curve.PARAMETERS));
      ECPublicKey publicKey =
          (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(point, P256Curve.PARAMETERS));
      return new EcdsaPrivateKey(key, new EcdsaPublicKey(publicKey));
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyFormatException("ECDSA private key was rejected by the JDK", e);
    }
  }

  @Override
  public KeyType type() {
    return KeyType.ECDSA;
  }

  @Override
  public byte[] raw() {
    try {
      return new org.bouncycastle.asn1.sec.ECPrivateKey(
              SCALAR_BITS,
              key.getS(),
              new DERBitString(P256Curve.encodeUncompressed(publicKey.jdkKey().getW())),
              P256Curve.OID)
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory cannot fail", e);
    }
  }

  @Override
  public byte[] sign(byte[] data) {
    return JcaSignatures.sign(P256Curve.SIGNATURE_ALGORITHM, key, data);
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }
}
