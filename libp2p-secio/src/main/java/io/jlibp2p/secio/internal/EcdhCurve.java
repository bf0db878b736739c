package io.jlibp2p.secio.internal;

import io.jlibp2p.core.security.SecurityHandshakeException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The ephemeral key exchanges SECIO offers: ECDH on the NIST curves, on the JDK. Public points
 * travel uncompressed, {@code 04 || X || Y} with each coordinate padded to the field size, as go's
 * {@code elliptic.Marshal} writes them.
 */
enum EcdhCurve {
  P256("P-256", "secp256r1", 32),
  P384("P-384", "secp384r1", 48),
  P521("P-521", "secp521r1", 66);

  /** The name in SECIO's {@code exchanges} list. */
  final String secioName;
  /** The curve's standard name, as the JDK (and BouncyCastle) know it. */
  final String jdkName;
  /** Bytes per coordinate, and the length of the shared secret before any stripping. */
  final int fieldSize;
  /** The curve's parameters, for the JDK's key specifications. */
  final ECParameterSpec parameters;

  EcdhCurve(String secioName, String jdkName, int fieldSize) {
    this.secioName = secioName;
    this.jdkName = jdkName;
    this.fieldSize = fieldSize;
    try {
      AlgorithmParameters ec = AlgorithmParameters.getInstance("EC");
      ec.init(new ECGenParameterSpec(jdkName));
      this.parameters = ec.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + jdkName, e);
    }
  }

  static EcdhCurve bySecioName(String name) {
    for (EcdhCurve curve : values()) {
      if (curve.secioName.equals(name)) {
        return curve;
      }
    }
    throw new IllegalArgumentException("unknown SECIO exchange " + name);
  }

  KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(jdkName));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + secioName + " key", e);
    }
  }

  /** {@code 04 || X || Y}, each padded to the field size. */
  byte[] encode(ECPublicKey key) {
    byte[] out = new byte[1 + 2 * fieldSize];
    out[0] = 4;
    writePadded(key.getW().getAffineX(), out, 1);
    writePadded(key.getW().getAffineY(), out, 1 + fieldSize);
    return out;
  }

  private void writePadded(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > fieldSize ? bytes.length - fieldSize : 0; // a sign byte
    System.arraycopy(bytes, skip, out, offset + fieldSize - (bytes.length - skip), bytes.length - skip);
  }

  /**
   * The X coordinate of the shared point, at the full field size. go drops its leading zero
   * bytes and js keeps them; see {@link SecioHandshakeHandler}.
   *
   * @throws SecurityHandshakeException if {@code remotePoint} is malformed or not on the curve
   */
  byte[] sharedSecret(KeyPair local, byte[] remotePoint) {
    if (remotePoint.length != 1 + 2 * fieldSize || remotePoint[0] != 4) {
      throw new SecurityHandshakeException(SecioHandshakeHandler.PROTOCOL_ID + ": the remote's ephemeral " + secioName
          + " key is not an uncompressed point of " + (1 + 2 * fieldSize) + " bytes");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(remotePoint, 1, 1 + fieldSize));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(remotePoint, 1 + fieldSize, remotePoint.length));
    try {
      ECPublicKey remote = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), parameters));
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(local.getPrivate());
      // The JDK checks that the point is on the curve here.
      agreement.doPhase(remote, true);
      byte[] secret = agreement.generateSecret();
      if (secret.length != fieldSize) {
        throw new IllegalStateException("ECDH on " + secioName + " gave " + secret.length + " bytes");
      }
      return secret;
    } catch (GeneralSecurityException e) {
      throw new SecurityHandshakeException(SecioHandshakeHandler.PROTOCOL_ID + ": the remote's ephemeral " + secioName
          + " key is invalid: " + e.getMessage(), e);
    }
  }
}
