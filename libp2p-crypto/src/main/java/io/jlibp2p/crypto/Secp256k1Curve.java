package io.jlibp2p.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * The secp256k1 domain and the DER signature form shared by its keys.
 *
 * <p>The JDK dropped secp256k1 (JDK 16), so BouncyCastle's constant-time custom curve is used.
 * Signatures are ECDSA over SHA-256 in strict DER, as go writes them.
 */
final class Secp256k1Curve {

  private static final X9ECParameters PARAMETERS = CustomNamedCurves.getByName("secp256k1");

  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(
          PARAMETERS.getCurve(), PARAMETERS.getG(), PARAMETERS.getN(), PARAMETERS.getH());

  static final BigInteger HALF_ORDER = DOMAIN.getN().shiftRight(1);

  private Secp256k1Curve() {}

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  static byte[] encodeDer(BigInteger r, BigInteger s) {
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)})
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory cannot fail", e);
    }
  }

  /**
   * Decodes a strict-DER {@code SEQUENCE { r INTEGER, s INTEGER }} with both values in [1, n-1].
   *
   * @return {@code {r, s}}, or {@code null} if the bytes are not such a signature
   */
  static BigInteger[] decodeDer(byte[] signature) {
    try {
      ASN1Primitive primitive = ASN1Primitive.fromByteArray(signature);
      if (!(primitive instanceof ASN1Sequence sequence) || sequence.size() != 2) {
        return null;
      }
      BigInteger r = ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
      BigInteger s = ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
      if (!inRange(r) || !inRange(s) || !java.util.Arrays.equals(encodeDer(r, s), signature)) {
        return null;
      }
      return new BigInteger[] {r, s};
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      return null;
    }
  }

  private static boolean inRange(BigInteger value) {
    return value.signum() > 0 && value.compareTo(DOMAIN.getN()) < 0;
  }
}
