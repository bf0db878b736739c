package io.jlibp2p.secio.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * Fresh ephemeral key pairs for the fuzz targets, made with BouncyCastle's curve arithmetic and
 * handed to the handler as JDK keys. Why not {@link EcdhCurve#generate()}: a corrupted-handshake
 * execution needs two fresh pairs and one trial agreement, and on JDK 17 SunEC's constant-time
 * ladder made those 56% of the target's time. BouncyCastle's fixed-point comb and its curve-specific
 * field arithmetic are several times faster; the handler's own agreements stay on the JDK, so a
 * handshake between these keys also checks the JDK's ECDH against BouncyCastle's.
 */
final class FastEphemeralKeys {

  private final EcdhCurve curve;
  private final X9ECParameters bouncy;
  private final SecureRandom random = new SecureRandom();
  private final FixedPointCombMultiplier multiplier = new FixedPointCombMultiplier();

  FastEphemeralKeys(EcdhCurve curve) {
    this.curve = curve;
    this.bouncy = CustomNamedCurves.getByName(curve.jdkName);
  }

  /**
   * Two fresh pairs, the initiator's then the responder's, whose shared secret has no leading zero
   * byte: SECIO implementations disagree on stripping it, and the handler then waits on a timer that
   * the targets' frozen clocks never fire.
   */
  KeyPair[] unambiguousPair() {
    BigInteger initiator = scalar();
    BigInteger responder;
    org.bouncycastle.math.ec.ECPoint responderPoint;
    do {
      responder = scalar();
      responderPoint = multiplier.multiply(bouncy.getG(), responder).normalize();
    } while (responderPoint.multiply(initiator).normalize().getAffineXCoord().getEncoded()[0] == 0);
    return new KeyPair[] {jdkPair(initiator, multiplier.multiply(bouncy.getG(), initiator).normalize()),
        jdkPair(responder, responderPoint)};
  }

  private BigInteger scalar() {
    return BigIntegers.createRandomInRange(BigInteger.ONE, bouncy.getN().subtract(BigInteger.ONE), random);
  }

  private KeyPair jdkPair(BigInteger scalar, org.bouncycastle.math.ec.ECPoint point) {
    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      ECPoint w = new ECPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
      return new KeyPair(factory.generatePublic(new ECPublicKeySpec(w, curve.parameters)),
          factory.generatePrivate(new ECPrivateKeySpec(scalar, curve.parameters)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK refused a " + curve.secioName + " key made by BouncyCastle", e);
    }
  }
}
