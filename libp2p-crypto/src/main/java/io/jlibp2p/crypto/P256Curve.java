package io.jlibp2p.crypto;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * NIST P-256, the one ECDSA curve libp2p keys use. The JDK signs and verifies; BouncyCastle only
 * derives a public point from a private scalar, which the JDK has no API for.
 */
final class P256Curve {

  static final ASN1ObjectIdentifier OID = SECObjectIdentifiers.secp256r1;
  static final ECParameterSpec PARAMETERS = jdkParameters();
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private static final X9ECParameters BC_PARAMETERS = CustomNamedCurves.getByOID(OID);

  private P256Curve() {}

  static boolean isP256(ECParameterSpec spec) {
    return spec.getOrder().equals(PARAMETERS.getOrder())
        && spec.getCurve().equals(PARAMETERS.getCurve())
        && spec.getGenerator().equals(PARAMETERS.getGenerator());
  }

  /** Whether {@code point} is an affine point of P-256; its cofactor is 1, so of its group too. */
  static boolean contains(ECPoint point) {
    if (ECPoint.POINT_INFINITY.equals(point)) {
      return false;
    }
    BigInteger p = ((ECFieldFp) PARAMETERS.getCurve().getField()).getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
      return false;
    }
    // y^2 = x^3 + ax + b (mod p)
    BigInteger right =
        x.pow(3)
            .add(PARAMETERS.getCurve().getA().multiply(x))
            .add(PARAMETERS.getCurve().getB())
            .mod(p);
    return y.multiply(y).mod(p).equals(right);
  }

  static ECPoint publicPoint(BigInteger scalar) {
    org.bouncycastle.math.ec.ECPoint point =
        new FixedPointCombMultiplier().multiply(BC_PARAMETERS.getG(), scalar).normalize();
    return new ECPoint(
        point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
  }

  /** The uncompressed SEC1 encoding {@code 04 || X || Y} of a point. */
  static byte[] encodeUncompressed(ECPoint point) {
    return BC_PARAMETERS.getCurve().createPoint(point.getAffineX(), point.getAffineY()).getEncoded(false);
  }

  private static ECParameterSpec jdkParameters() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK provides P-256", e);
    }
  }
}
