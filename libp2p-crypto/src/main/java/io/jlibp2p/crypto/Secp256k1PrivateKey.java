package io.jlibp2p.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * A secp256k1 private key: a 32-byte big-endian scalar in [1, n-1].
 *
 * <p>Signatures use RFC 6979 deterministic nonces and are normalized to low S, like go's (decred)
 * signer, so that strict verifiers accept them.
 */
final class Secp256k1PrivateKey extends PrivateKey {

  private static final int LENGTH = 32;

  private final ECPrivateKeyParameters key;
  private final Secp256k1PublicKey publicKey;

  private Secp256k1PrivateKey(BigInteger scalar) {
    this.key = new ECPrivateKeyParameters(scalar, Secp256k1Curve.DOMAIN);
    this.publicKey =
        new Secp256k1PublicKey(
            new FixedPointCombMultiplier().multiply(Secp256k1Curve.DOMAIN.getG(), scalar));
  }

  static Secp256k1PrivateKey generate(SecureRandom random) {
    BigInteger n = Secp256k1Curve.DOMAIN.getN();
    BigInteger scalar;
    do {
      scalar = BigIntegers.createRandomBigInteger(n.bitLength(), random);
    } while (scalar.signum() == 0 || scalar.compareTo(n) >= 0);
    return new Secp256k1PrivateKey(scalar);
  }

  static Secp256k1PrivateKey fromRaw(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new InvalidKeyFormatException(
          "secp256k1 private key must be " + LENGTH + " bytes, got " + raw.length);
    }
    BigInteger scalar = new BigInteger(1, raw);
    if (scalar.signum() == 0 || scalar.compareTo(Secp256k1Curve.DOMAIN.getN()) >= 0) {
      throw new InvalidKeyFormatException("secp256k1 private key is outside [1, n-1]");
    }
    return new Secp256k1PrivateKey(scalar);
  }

  @Override
  public KeyType type() {
    return KeyType.SECP256K1;
  }

  @Override
  public byte[] raw() {
    return BigIntegers.asUnsignedByteArray(LENGTH, key.getD());
  }

  @Override
  public byte[] sign(byte[] data) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, key);
    BigInteger[] rs = signer.generateSignature(Secp256k1Curve.sha256(data));
    BigInteger s = rs[1];
    if (s.compareTo(Secp256k1Curve.HALF_ORDER) > 0) {
      s = Secp256k1Curve.DOMAIN.getN().subtract(s);
    }
    return Secp256k1Curve.encodeDer(rs[0], s);
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }
}
