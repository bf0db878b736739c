package io.jlibp2p.crypto;

import java.math.BigInteger;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A secp256k1 public key. Written as the 33-byte compressed point, as go does; the 65-byte
 * uncompressed form is accepted on input.
 */
final class Secp256k1PublicKey extends PublicKey {

  private final ECPublicKeyParameters key;

  Secp256k1PublicKey(ECPoint point) {
    this.key = new ECPublicKeyParameters(point.normalize(), Secp256k1Curve.DOMAIN);
  }

  static Secp256k1PublicKey fromRaw(byte[] raw) {
    if (raw.length != 33 && raw.length != 65) {
      throw new InvalidKeyFormatException(
          "secp256k1 public key must be 33 bytes (compressed) or 65 (uncompressed), got "
              + raw.length);
    }
    ECPoint point;
    try {
      point = Secp256k1Curve.DOMAIN.getCurve().decodePoint(raw);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyFormatException("secp256k1 public key is not a valid curve point", e);
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new InvalidKeyFormatException("secp256k1 public key is not a valid curve point");
    }
    return new Secp256k1PublicKey(point);
  }

  @Override
  public KeyType type() {
    return KeyType.SECP256K1;
  }

  @Override
  public byte[] raw() {
    return key.getQ().getEncoded(true);
  }

  /** Accepts high-S signatures as well as low-S ones, as go's verifier does. */
  @Override
  public boolean verify(byte[] data, byte[] signature) {
    BigInteger[] rs = Secp256k1Curve.decodeDer(signature);
    if (rs == null) {
      return false;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, key);
    return verifier.verifySignature(Secp256k1Curve.sha256(data), rs[0], rs[1]);
  }
}
