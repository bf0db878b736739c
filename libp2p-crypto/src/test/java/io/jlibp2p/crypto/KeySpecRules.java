package io.jlibp2p.crypto;

import io.jlibp2p.testing.SpecRules;
import io.jlibp2p.testing.SpecVerdict;
import io.jlibp2p.testing.SpecViolation;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys">peer-id
 * spec</a>'s rules for serialized keys, written out a second time without {@link KeyCodec} or the
 * key classes: the oracle that the randomized key tests compare the decoders against. A valid
 * key's verdict carries what re-encoding it must give.
 *
 * <p>The protobuf must be in the deterministic encoding: {@code 08 <Type> 12 <length> <Data>},
 * minimal varints, a known Type, nothing else. The Data rules per type:
 *
 * <ul>
 *   <li>Ed25519: 32 bytes that RFC 8032 section 5.1.3 decodes to a point; a private key is the seed
 *       and the public key RFC 8032 derives from it (also the legacy seed, public key, public key);
 *   <li>secp256k1: a SEC1 / X9.62 point (compressed, uncompressed or hybrid) on the curve; a private
 *       key is a 32-byte scalar in [1, n-1];
 *   <li>ECDSA: the DER SubjectPublicKeyInfo of an uncompressed point on P-256, as go accepts it;
 *   <li>RSA: the DER SubjectPublicKeyInfo of a 2048- to 8192-bit key.
 * </ul>
 *
 * <p>ECDSA and RSA private keys are judged against the spec vectors only: the data must be one of
 * them. The tests change a vector in one place at most, and no single change to the DER of a valid
 * SEC1 or PKCS#1 key gives another valid one (DER is unique, and the parts of a key must agree).
 *
 * <p>Ed25519 points of small order (1, 2, 4 or 8: the eight points in the torsion subgroup) decode
 * by RFC 8032, but the decoder rejects them as public keys, as BouncyCastle's key validation and
 * libsodium do: whatever such a key signs, the signature says nothing about who signed it. The
 * oracle rejects them too.
 */
final class KeySpecRules {

  private static final BigInteger TWO = BigInteger.TWO;

  /** 2^255 - 19 and the Edwards d = -121665/121666 of Ed25519 (RFC 8032 section 5.1). */
  private static final BigInteger ED25519_P = TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger ED25519_D =
      BigInteger.valueOf(-121665)
          .multiply(BigInteger.valueOf(121666).modInverse(ED25519_P))
          .mod(ED25519_P);

  /** secp256k1, y^2 = x^3 + 7 (SEC 2 section 2.4.1). */
  private static final BigInteger SECP256K1_P =
      hex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  private static final BigInteger SECP256K1_N =
      hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

  /** P-256, y^2 = x^3 - 3x + b (SEC 2 section 2.4.2). */
  private static final BigInteger P256_P =
      hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  private static final BigInteger P256_B =
      hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");

  /** DER of SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 0 unused bits, 04 } }. */
  private static final byte[] P256_SPKI_HEADER =
      HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200" + "04");

  /** DER of the AlgorithmIdentifier { rsaEncryption, NULL }. */
  private static final byte[] RSA_ALGORITHM = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

  private KeySpecRules() {}

  /** The two fields of a key protobuf. */
  record KeyMessage(KeyType type, byte[] data) {}

  /** @return the verdict, with the marshalled key that a valid one re-encodes to */
  static SpecVerdict<byte[]> publicKey(byte[] bytes) {
    return SpecVerdict.of(() -> {
      KeyMessage message = parse(bytes);
      byte[] data = message.data();
      byte[] reencoded =
          switch (message.type()) {
            case ED25519 -> requireEd25519Point(data);
            case SECP256K1 -> requireSecp256k1Point(data);
            case ECDSA -> requireP256Spki(data);
            case RSA -> requireRsaSpki(data);
          };
      return message(message.type(), reencoded);
    });
  }

  /**
   * @param knownValidData the Data of ECDSA and RSA private keys known to be valid, by type
   * @return the verdict, with the marshalled key that a valid one re-encodes to
   */
  static SpecVerdict<byte[]> privateKey(byte[] bytes, Map<KeyType, List<byte[]>> knownValidData) {
    return SpecVerdict.of(() -> {
      KeyMessage message = parse(bytes);
      byte[] data = message.data();
      byte[] reencoded =
          switch (message.type()) {
            case ED25519 -> requireEd25519PrivateKey(data);
            case SECP256K1 -> requireSecp256k1Scalar(data);
            case ECDSA, RSA -> requireKnown(message.type(), data, knownValidData);
          };
      return message(message.type(), reencoded);
    });
  }

  /** The Type and Data of a key protobuf in the deterministic encoding, if it is one. */
  static Optional<KeyMessage> keyMessage(byte[] bytes) {
    return Optional.ofNullable(SpecVerdict.of(() -> parse(bytes)).value());
  }

  /** The deterministic encoding of a key protobuf, written by hand. */
  static byte[] message(KeyType type, byte[] data) {
    return message(type.number(), data);
  }

  /** The same, for any Type number. */
  static byte[] message(int type, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x08);
    out.writeBytes(SpecRules.varint(type));
    out.write(0x12);
    out.writeBytes(SpecRules.varint(data.length));
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** The public key RFC 8032 derives from {@code seed}, computed by the JDK's own Ed25519. */
  static byte[] ed25519PublicKey(byte[] seed) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      // The JDK takes the 32-byte private key from nextBytes; this feeds it the seed.
      generator.initialize(
          NamedParameterSpec.ED25519,
          new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
              System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
          });
      byte[] spki = generator.generateKeyPair().getPublic().getEncoded();
      return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 15+ has Ed25519", e);
    }
  }

  private static KeyMessage parse(byte[] bytes) throws SpecViolation {
    if (bytes.length == 0 || bytes[0] != 0x08) {
      throw new SpecViolation("the protobuf must start with the Type field (08)");
    }
    SpecRules.Varint type = SpecRules.readProtobufVarint(bytes, 1, "Type");
    int offset = 1 + type.length();
    KeyType keyType = null;
    for (KeyType candidate : KeyType.values()) {
      if (candidate.number() == type.value()) {
        keyType = candidate;
      }
    }
    if (keyType == null) {
      throw new SpecViolation("Type " + type.value() + " is not a KeyType");
    }
    if (offset >= bytes.length || bytes[offset] != 0x12) {
      throw new SpecViolation("the Type field must be followed by the Data field (12) and nothing else");
    }
    SpecRules.Varint length = SpecRules.readProtobufVarint(bytes, offset + 1, "Data length");
    int start = offset + 1 + length.length();
    if (length.value() != bytes.length - start) {
      throw new SpecViolation("Data claims " + length.value() + " bytes, but " + (bytes.length - start)
          + " follow (a protobuf ends with its Data here)");
    }
    return new KeyMessage(keyType, Arrays.copyOfRange(bytes, start, bytes.length));
  }

  private static byte[] requireEd25519Point(byte[] data) throws SpecViolation {
    if (data.length != 32) {
      throw new SpecViolation("an Ed25519 public key is 32 bytes, not " + data.length);
    }
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = data[31 - i];
    }
    boolean xOdd = (bigEndian[0] & 0x80) != 0;
    bigEndian[0] &= 0x7F;
    BigInteger y = new BigInteger(1, bigEndian);
    BigInteger p = ED25519_P;
    if (y.compareTo(p) >= 0) {
      throw new SpecViolation("Ed25519 y is not below p");
    }
    BigInteger y2 = y.multiply(y).mod(p);
    BigInteger u = y2.subtract(BigInteger.ONE).mod(p);
    BigInteger v = ED25519_D.multiply(y2).add(BigInteger.ONE).mod(p);
    BigInteger x2 = u.multiply(v.modInverse(p)).mod(p);
    if (x2.signum() == 0) {
      if (xOdd) {
        throw new SpecViolation("Ed25519 x is 0, so its sign bit must be 0");
      }
    } else if (!isSquare(x2, p)) {
      throw new SpecViolation("no Ed25519 point has this y");
    }
    if (hasSmallOrder(y)) {
      throw new SpecViolation("the Ed25519 point has small order, which the decoder rejects");
    }
    return data;
  }

  /**
   * Whether the Ed25519 point with this y has order 1, 2, 4 or 8: doubled three times, it is the
   * identity, whose y is 1. On -x^2 + y^2 = 1 + d x^2 y^2 doubling gives y' = (y^2 + x^2) / (2 - y^2
   * + x^2), and x^2 = (y^2 - 1) / (d y^2 + 1), so y alone decides; the curve is complete, so no
   * denominator is 0.
   */
  private static boolean hasSmallOrder(BigInteger y) {
    BigInteger p = ED25519_P;
    for (int i = 0; i < 3; i++) {
      BigInteger y2 = y.multiply(y).mod(p);
      BigInteger x2 =
          y2.subtract(BigInteger.ONE).multiply(ED25519_D.multiply(y2).add(BigInteger.ONE).modInverse(p)).mod(p);
      y = y2.add(x2).multiply(TWO.subtract(y2).add(x2).mod(p).modInverse(p)).mod(p);
    }
    return y.equals(BigInteger.ONE);
  }

  /** @return the compressed form, which is what the decoder writes back */
  private static byte[] requireSecp256k1Point(byte[] data) throws SpecViolation {
    BigInteger p = SECP256K1_P;
    if (data.length == 33 && (data[0] == 2 || data[0] == 3)) {
      BigInteger x = new BigInteger(1, Arrays.copyOfRange(data, 1, 33));
      if (x.compareTo(p) >= 0 || !isSquare(x.pow(3).add(BigInteger.valueOf(7)).mod(p), p)) {
        throw new SpecViolation("no secp256k1 point has this x");
      }
      return data;
    }
    if (data.length == 65 && (data[0] == 4 || data[0] == 6 || data[0] == 7)) {
      BigInteger x = new BigInteger(1, Arrays.copyOfRange(data, 1, 33));
      BigInteger y = new BigInteger(1, Arrays.copyOfRange(data, 33, 65));
      if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0
          || !y.pow(2).mod(p).equals(x.pow(3).add(BigInteger.valueOf(7)).mod(p))) {
        throw new SpecViolation("this point is not on secp256k1");
      }
      if (data[0] != 4 && (data[0] & 1) != (y.testBit(0) ? 1 : 0)) {
        throw new SpecViolation("the hybrid prefix disagrees with the parity of y");
      }
      byte[] compressed = Arrays.copyOf(data, 33);
      compressed[0] = (byte) (y.testBit(0) ? 3 : 2);
      return compressed;
    }
    throw new SpecViolation("a secp256k1 public key is 02/03 and 32 bytes, or 04/06/07 and 64");
  }

  private static byte[] requireP256Spki(byte[] data) throws SpecViolation {
    int header = P256_SPKI_HEADER.length;
    if (data.length != header + 64
        || !Arrays.equals(P256_SPKI_HEADER, Arrays.copyOf(data, header))) {
      throw new SpecViolation("not the DER SubjectPublicKeyInfo of an uncompressed P-256 point");
    }
    BigInteger p = P256_P;
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(data, header, header + 32));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(data, header + 32, header + 64));
    BigInteger right = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256_B).mod(p);
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0 || !y.pow(2).mod(p).equals(right)) {
      throw new SpecViolation("the point is not on P-256");
    }
    return data;
  }

  /** SEQUENCE { AlgorithmIdentifier, BIT STRING { 0, SEQUENCE { INTEGER n, INTEGER e } } } in DER. */
  private static byte[] requireRsaSpki(byte[] data) throws SpecViolation {
    int[] spki = tlv(data, 0, 0x30, "SubjectPublicKeyInfo");
    if (spki[1] != data.length) {
      throw new SpecViolation("bytes follow the DER SubjectPublicKeyInfo");
    }
    int algorithmEnd = spki[0] + RSA_ALGORITHM.length;
    if (algorithmEnd > data.length
        || !Arrays.equals(RSA_ALGORITHM, Arrays.copyOfRange(data, spki[0], algorithmEnd))) {
      throw new SpecViolation("the algorithm is not rsaEncryption");
    }
    int[] bits = tlv(data, algorithmEnd, 0x03, "subjectPublicKey");
    if (bits[1] != spki[1] || bits[0] == bits[1] || data[bits[0]] != 0) {
      throw new SpecViolation("the subjectPublicKey BIT STRING is malformed");
    }
    int[] key = tlv(data, bits[0] + 1, 0x30, "RSAPublicKey");
    int[] modulus = tlv(data, key[0], 0x02, "modulus");
    int[] exponent = tlv(data, modulus[1], 0x02, "publicExponent");
    if (key[1] != bits[1] || exponent[1] != key[1]) {
      throw new SpecViolation("the RSAPublicKey is malformed");
    }
    BigInteger n = positiveInteger(data, modulus, "modulus");
    positiveInteger(data, exponent, "publicExponent");
    if (n.bitLength() < 2048 || n.bitLength() > 8192) {
      throw new SpecViolation("an RSA key of " + n.bitLength() + " bits is outside 2048..8192");
    }
    return data;
  }

  private static byte[] requireEd25519PrivateKey(byte[] data) throws SpecViolation {
    if (data.length != 64 && data.length != 96) {
      throw new SpecViolation("an Ed25519 private key is 64 bytes (or the legacy 96), not " + data.length);
    }
    byte[] publicKey = Arrays.copyOfRange(data, 32, 64);
    if (data.length == 96 && !Arrays.equals(publicKey, Arrays.copyOfRange(data, 64, 96))) {
      throw new SpecViolation("the legacy form repeats the public key, but its copies differ");
    }
    if (!Arrays.equals(publicKey, ed25519PublicKey(Arrays.copyOf(data, 32)))) {
      throw new SpecViolation("the public half is not the seed's public key");
    }
    return Arrays.copyOf(data, 64);
  }

  private static byte[] requireSecp256k1Scalar(byte[] data) throws SpecViolation {
    if (data.length != 32) {
      throw new SpecViolation("a secp256k1 private key is 32 bytes, not " + data.length);
    }
    BigInteger scalar = new BigInteger(1, data);
    if (scalar.signum() == 0 || scalar.compareTo(SECP256K1_N) >= 0) {
      throw new SpecViolation("a secp256k1 private key is in [1, n-1]");
    }
    return data;
  }

  private static byte[] requireKnown(
      KeyType type, byte[] data, Map<KeyType, List<byte[]>> knownValidData) throws SpecViolation {
    for (byte[] known : knownValidData.getOrDefault(type, List.of())) {
      if (Arrays.equals(known, data)) {
        return data;
      }
    }
    throw new SpecViolation("not the DER of a valid " + type + " private key (not a spec vector's)");
  }

  /** {content start, content end} of the DER element with {@code tag} at {@code offset}. */
  private static int[] tlv(byte[] data, int offset, int tag, String what) throws SpecViolation {
    if (offset + 2 > data.length || (data[offset] & 0xFF) != tag) {
      throw new SpecViolation(what + " is not there");
    }
    int first = data[offset + 1] & 0xFF;
    int start = offset + 2;
    long length = first;
    if (first >= 0x80) {
      int count = first & 0x7F;
      if (count == 0 || count > 4 || start + count > data.length || data[start] == 0) {
        throw new SpecViolation(what + " has a length that is not DER");
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        length = length << 8 | (data[start + i] & 0xFF);
      }
      start += count;
      if (length < 0x80) {
        throw new SpecViolation(what + " has a long-form length below 128, which DER forbids");
      }
    }
    if (length > data.length - start) {
      throw new SpecViolation(what + " runs past the end");
    }
    return new int[] {start, start + (int) length};
  }

  private static BigInteger positiveInteger(byte[] data, int[] range, String what) throws SpecViolation {
    byte[] content = Arrays.copyOfRange(data, range[0], range[1]);
    if (content.length == 0
        || content.length > 1 && content[0] == 0 && content[1] >= 0) {
      throw new SpecViolation("the " + what + " INTEGER is empty or not minimal");
    }
    BigInteger value = new BigInteger(content);
    if (value.signum() <= 0) {
      throw new SpecViolation("the " + what + " is not positive");
    }
    return value;
  }

  /** Euler's criterion: a non-zero {@code a} is a square mod the odd prime {@code p}. */
  private static boolean isSquare(BigInteger a, BigInteger p) {
    return a.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).equals(BigInteger.ONE);
  }

  private static BigInteger hex(String hex) {
    return new BigInteger(hex, 16);
  }
}
