package io.jlibp2p.crypto;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.KeyCorruptions.Damage;
import io.jlibp2p.multiformats.Multihash;
import io.jlibp2p.testing.SpecVerdict;
import io.jlibp2p.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class KeysTest {

  private static final byte[] MESSAGE = "hello libp2p".getBytes(StandardCharsets.UTF_8);
  private static final Map<KeyType, PrivateKey> KEYS = new EnumMap<>(KeyType.class);
  private static final Map<KeyType, byte[][]> VECTOR_DATA = vectorData();

  /** In the ECDSA vector's SubjectPublicKeyInfo: the BIT STRING's unused-bits octet. */
  private static final int SPKI_UNUSED_BITS = 25;
  /** In the ECDSA vector's SEC1 key: the version INTEGER's value, the unused-bits octet. */
  private static final int SEC1_VERSION = 4;
  private static final int SEC1_UNUSED_BITS = 55;

  @BeforeAll
  static void generateOneKeyOfEachType() {
    for (KeyType type : KeyType.values()) {
      KEYS.put(type, PrivateKey.generate(type));
    }
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void generatedKeySignsAndVerifies(KeyType type) {
    PrivateKey key = KEYS.get(type);
    assertEquals(type, key.type());
    byte[] signature = key.sign(MESSAGE);
    assertTrue(key.publicKey().verify(MESSAGE, signature));
    assertFalse(key.publicKey().verify("hello libp2q".getBytes(StandardCharsets.UTF_8), signature));
    byte[] tampered = signature.clone();
    tampered[tampered.length / 2] ^= 1;
    assertFalse(key.publicKey().verify(MESSAGE, tampered));
    assertFalse(PrivateKey.generate(type).publicKey().verify(MESSAGE, signature));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void malformedSignaturesAreInvalidNotErrors(KeyType type) {
    PublicKey key = KEYS.get(type).publicKey();
    Random random = new Random(type.ordinal());
    for (int i = 0; i < 300; i++) {
      byte[] junk = new byte[random.nextInt(600)];
      random.nextBytes(junk);
      assertFalse(key.verify(MESSAGE, junk));
    }
    assertFalse(key.verify(MESSAGE, new byte[0]));
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void marshalRoundTrips(KeyType type) {
    PrivateKey key = KEYS.get(type);
    PrivateKey restored = PrivateKey.unmarshal(key.marshal());
    assertEquals(key, restored);
    assertEquals(key.hashCode(), restored.hashCode());
    assertArrayEquals(key.raw(), restored.raw());
    assertEquals(key.publicKey(), restored.publicKey());
    assertEquals(key.publicKey(), PublicKey.unmarshal(key.publicKey().marshal()));
    // A restored key's signatures verify under the original public key and vice versa.
    assertTrue(key.publicKey().verify(MESSAGE, restored.sign(MESSAGE)));
    assertTrue(restored.publicKey().verify(MESSAGE, key.sign(MESSAGE)));
    // The protobuf always starts with the Type field, even RSA = 0.
    byte[] marshalled = key.publicKey().marshal();
    assertEquals(0x08, marshalled[0]);
    assertEquals(type.number(), marshalled[1]);
    assertEquals(0x12, marshalled[2]);
  }

  @ParameterizedTest
  @CsvSource({"ED25519, IDENTITY", "SECP256K1, IDENTITY", "ECDSA, SHA2_256", "RSA, SHA2_256"})
  void peerIdInlinesSmallKeysAndHashesLargeOnes(KeyType type, Multihash.Type expected) {
    PublicKey key = KEYS.get(type).publicKey();
    PeerId id = PeerId.fromPublicKey(key);
    assertEquals(expected, id.multihash().type());
    assertTrue(id.matches(key));
    assertFalse(id.matches(PrivateKey.generate(KeyType.ED25519).publicKey()));
  }

  @Test
  void toStringNeverShowsKeyMaterial() {
    PrivateKey key = KEYS.get(KeyType.ED25519);
    assertEquals("ED25519 private key", key.toString());
  }

  /** RFC 8032 section 7.1, TEST 1: our Ed25519 is the standard one. */
  @Test
  void ed25519MatchesRfc8032() {
    byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] pub = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    PrivateKey key = PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.ED25519, concat(seed, pub)));
    assertArrayEquals(pub, key.publicKey().raw());
    assertEquals(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        hex(key.sign(new byte[0])));
  }

  /** The JDK's own Ed25519 verifies our signatures: an independent implementation agrees. */
  @Test
  void ed25519SignaturesVerifyWithTheJdk() throws Exception {
    PrivateKey key = KEYS.get(KeyType.ED25519);
    byte[] spki = concat(hex("302a300506032b6570032100"), key.publicKey().raw());
    java.security.PublicKey jdkKey =
        java.security.KeyFactory.getInstance("Ed25519")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
    java.security.Signature verifier = java.security.Signature.getInstance("Ed25519");
    verifier.initVerify(jdkKey);
    verifier.update(MESSAGE);
    assertTrue(verifier.verify(key.sign(MESSAGE)));
  }

  @Test
  void ed25519LegacyNinetySixByteFormIsRead() {
    PrivateKey key = KEYS.get(KeyType.ED25519);
    byte[] raw = key.raw();
    byte[] legacy = concat(raw, Arrays.copyOfRange(raw, 32, 64));
    assertEquals(key, PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.ED25519, legacy)));
    legacy[95] ^= 1;
    assertRejects(
        InvalidKeyFormatException.class,
        () -> PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.ED25519, legacy)));
  }

  @Test
  void ed25519PrivateKeyWithForeignPublicHalfIsRejected() {
    byte[] raw = KEYS.get(KeyType.ED25519).raw();
    System.arraycopy(PrivateKey.generate().publicKey().raw(), 0, raw, 32, 32);
    InvalidKeyFormatException e =
        assertRejects(
            InvalidKeyFormatException.class,
            () -> PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.ED25519, raw)));
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void secp256k1SignaturesAreLowSAndHighSIsAccepted() {
    PrivateKey key = KEYS.get(KeyType.SECP256K1);
    java.math.BigInteger n =
        new java.math.BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
    for (int i = 0; i < 50; i++) {
      byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
      byte[] signature = key.sign(message);
      org.bouncycastle.asn1.ASN1Sequence sequence =
          org.bouncycastle.asn1.ASN1Sequence.getInstance(signature);
      java.math.BigInteger r = org.bouncycastle.asn1.ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue();
      java.math.BigInteger s = org.bouncycastle.asn1.ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue();
      assertTrue(s.compareTo(n.shiftRight(1)) <= 0, "S must be low");
      byte[] highS = derSignature(r, n.subtract(s));
      assertTrue(key.publicKey().verify(message, highS), "go accepts high S, so do we");
    }
  }

  @Test
  void secp256k1RejectsNonDerSignatures() throws Exception {
    PrivateKey key = KEYS.get(KeyType.SECP256K1);
    byte[] signature = key.sign(MESSAGE);
    // The same integers with a redundant leading zero are valid BER but not DER.
    org.bouncycastle.asn1.ASN1Sequence sequence = org.bouncycastle.asn1.ASN1Sequence.getInstance(signature);
    byte[] r = org.bouncycastle.asn1.ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue().toByteArray();
    byte[] s = org.bouncycastle.asn1.ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue().toByteArray();
    byte[] paddedR = concat(new byte[] {0}, r);
    byte[] body = concat(new byte[] {2, (byte) paddedR.length}, paddedR, new byte[] {2, (byte) s.length}, s);
    byte[] ber = concat(new byte[] {0x30, (byte) body.length}, body);
    assertFalse(key.publicKey().verify(MESSAGE, ber));
    assertTrue(key.publicKey().verify(MESSAGE, signature));
  }

  @Test
  void secp256k1UncompressedPublicKeyIsAcceptedAndWrittenCompressed() {
    PublicKey key = KEYS.get(KeyType.SECP256K1).publicKey();
    org.bouncycastle.math.ec.ECPoint point =
        org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256k1").getCurve().decodePoint(key.raw());
    byte[] uncompressed = point.getEncoded(false);
    PublicKey parsed = PublicKey.unmarshal(KeyCodec.marshalPublic(KeyType.SECP256K1, uncompressed));
    assertEquals(key, parsed);
    assertEquals(33, parsed.raw().length);
  }

  @Test
  void rsaSizesOutsideWhatPeersAcceptAreRejected() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> PrivateKey.generateRsa(1024));
    assertThrows(IllegalArgumentException.class, () -> PrivateKey.generateRsa(8200));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    byte[] small = KeyCodec.marshalPublic(KeyType.RSA, generator.generateKeyPair().getPublic().getEncoded());
    InvalidKeyFormatException e =
        assertRejects(InvalidKeyFormatException.class, () -> PublicKey.unmarshal(small));
    assertTrue(e.getMessage().contains("1024 bits"), e.getMessage());
  }

  @Test
  void ecdsaKeysOnOtherCurvesAreRejected() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    byte[] p384 = KeyCodec.marshalPublic(KeyType.ECDSA, generator.generateKeyPair().getPublic().getEncoded());
    InvalidKeyFormatException e =
        assertRejects(InvalidKeyFormatException.class, () -> PublicKey.unmarshal(p384));
    assertTrue(e.getMessage().contains("P-256"), e.getMessage());
  }

  /**
   * SEC1 ECPrivateKey, read as go's {@code x509.ParseECPrivateKey} reads it: without the public key
   * or with a scalar shorter than 32 bytes it is the same key, written back in go's one form; without
   * the curve OID, which RFC 5915 makes optional but go requires, it is rejected.
   */
  @Test
  void ecdsaPrivateKeysAreReadAsGoReadsThem() throws Exception {
    byte[] vector = VECTOR_DATA.get(KeyType.ECDSA)[0];
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(vector);
    org.bouncycastle.asn1.ASN1Encodable version = new org.bouncycastle.asn1.ASN1Integer(1);
    org.bouncycastle.asn1.ASN1Encodable scalar =
        new org.bouncycastle.asn1.DEROctetString(
            org.bouncycastle.util.BigIntegers.asUnsignedByteArray(32, sec1.getKey()));
    org.bouncycastle.asn1.ASN1Encodable curve =
        new org.bouncycastle.asn1.DERTaggedObject(true, 0, sec1.getParametersObject());
    org.bouncycastle.asn1.ASN1Encodable publicKey =
        new org.bouncycastle.asn1.DERTaggedObject(true, 1, sec1.getPublicKey());

    byte[] withoutPublicKey = sequence(version, scalar, curve);
    assertArrayEquals(vector, PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.ECDSA, withoutPublicKey)).raw());

    byte[] g = org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1").getG().getEncoded(false);
    byte[] oneByteScalar = sequence(version, new org.bouncycastle.asn1.DEROctetString(new byte[] {1}), curve,
        new org.bouncycastle.asn1.DERTaggedObject(true, 1, new org.bouncycastle.asn1.DERBitString(g)));
    byte[] written = PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.ECDSA, oneByteScalar)).raw();
    byte[] paddedScalar = new byte[32];
    paddedScalar[31] = 1;
    assertArrayEquals(
        sequence(version, new org.bouncycastle.asn1.DEROctetString(paddedScalar), curve,
            new org.bouncycastle.asn1.DERTaggedObject(true, 1, new org.bouncycastle.asn1.DERBitString(g))),
        written);

    byte[] withoutCurve = KeyCodec.marshalPrivate(KeyType.ECDSA, sequence(version, scalar, publicKey));
    InvalidKeyFormatException e =
        assertRejects(InvalidKeyFormatException.class, () -> PrivateKey.unmarshal(withoutCurve));
    assertTrue(e.getMessage().contains("names no curve"), e.getMessage());

    // Found by fuzzing: parameters that are a UTF8String of bad UTF-8, which BouncyCastle cannot print.
    byte[] badUtf8Curve = java.util.Base64.getDecoder().decode(
        "CAMSMzAxAgEBBCA+Wx/pcS5sMUlCp1C9Z0hd48Hv6Fsb+1IK6PmuPfpKTKAKDAgqhkjOPQMBBw==");
    InvalidKeyFormatException notAnOid =
        assertRejects(InvalidKeyFormatException.class, () -> PrivateKey.unmarshal(badUtf8Curve));
    assertTrue(notAnOid.getMessage().contains("not a named curve's OID"), notAnOid.getMessage());
  }

  private static byte[] sequence(org.bouncycastle.asn1.ASN1Encodable... elements) throws java.io.IOException {
    return new org.bouncycastle.asn1.DERSequence(elements).getEncoded("DER");
  }

  @ParameterizedTest
  @CsvSource({
    "'', empty",
    "0801, type without data",
    "1220" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e" + ", data without type",
    "12201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e0801, fields out of order",
    "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e1801, extra field",
    "0881001220" + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e" + ", non-minimal varint",
    "080712201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e, unknown key type",
    "0801121f1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce2, short ed25519 key",
    "08021221047777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99, bad secp256k1 prefix",
    "08031203010203, ecdsa not DER",
    "08001203010203, rsa not DER",
    "0801122001, truncated data"
  })
  void malformedPublicKeysAreRejected(String input, String why) {
    assertRejects(InvalidKeyFormatException.class, () -> PublicKey.unmarshal(hex(input)));
  }

  @ParameterizedTest
  @CsvSource({
    "0802122000000000000000000000000000000000000000000000000000000000000000, secp256k1 zero",
    "08021220FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141, secp256k1 order",
    "0801121001020304050607080910111213141516, short ed25519",
    "08031203010203, ecdsa not SEC1",
    "08001203010203, rsa not PKCS1"
  })
  void malformedPrivateKeysAreRejected(String input, String why) {
    assertRejects(InvalidKeyFormatException.class, () -> PrivateKey.unmarshal(hex(input)));
  }

  /**
   * A spec vector's key, damaged once, must get the spec's verdict; an accepted key must re-encode
   * as the spec says and sign verifiably.
   */
  @ParameterizedTest
  @EnumSource(KeyType.class)
  void corruptedKeysGetTheSpecsVerdict(KeyType type) {
    Random random = new Random(type.ordinal() + 100);
    byte[][] vector = VECTOR_DATA.get(type);
    Damage[] damages = Damage.values();
    int rounds = type == KeyType.RSA ? 300 : 2_000;
    int accepted = 0;
    for (int i = 0; i < rounds; i++) {
      for (boolean isPublic : new boolean[] {true, false}) {
        byte[] data = vector[isPublic ? 1 : 0];
        Damage damage = damages[random.nextInt(damages.length)];
        byte[] input = KeyCorruptions.damage(damage, type, data, random.nextInt(data.length), random);
        accepted += (isPublic ? checkPublicKey(input, damage) : checkPrivateKey(input, damage)) ? 1 : 0;
      }
    }
    // Ed25519 and secp256k1 points stay valid under some changes (and secp256k1 scalars under
    // most); the DER forms almost never do.
    assertTrue(accepted < rounds, accepted + " accepted");
    if (type == KeyType.ED25519 || type == KeyType.SECP256K1) {
      assertTrue(accepted > rounds / 50, accepted + " accepted");
    }
  }

  /**
   * Random bytes, and key protobufs of random data and random damage, must get the spec's verdict;
   * an accepted key must re-encode as the spec says and sign verifiably.
   */
  @Test
  void randomBytesGetTheSpecsVerdict() {
    Random random = new Random(8);
    KeyType[] types = KeyType.values();
    Damage[] envelopeDamages = Arrays.copyOf(Damage.values(), Damage.RELABELLED.ordinal() + 1);
    int cases = 5_000;
    int accepted = 0;
    for (int i = 0; i < cases; i++) {
      for (boolean isPublic : new boolean[] {true, false}) {
        byte[] input;
        Damage damage = null;
        if (random.nextInt(4) == 0) {
          input = KeyCorruptions.randomBytes(random.nextInt(80), random);
        } else {
          KeyType type = types[random.nextInt(types.length)];
          byte[] vector = VECTOR_DATA.get(type)[isPublic ? 1 : 0];
          byte[] data = KeyCorruptions.randomData(type, isPublic, vector, random);
          if (random.nextInt(3) == 0) {
            damage = envelopeDamages[random.nextInt(envelopeDamages.length)];
            input = KeyCorruptions.damage(damage, type, data, 0, random);
          } else {
            int number = random.nextInt(10) == 0 ? 4 + random.nextInt(200) : type.number();
            input = KeySpecRules.message(number, data);
          }
        }
        accepted += (isPublic ? checkPublicKey(input, damage) : checkPrivateKey(input, damage)) ? 1 : 0;
      }
    }
    // Both verdicts are common, so neither path through the decoders goes untested.
    assertTrue(
        accepted > cases / 5 && accepted < cases * 9 / 5, accepted + " of " + 2 * cases + " accepted");
  }

  /**
   * Inputs that the spec forbids and the decoders once accepted (or failed on with another
   * exception), each rejected for its own reason.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("formerDecoderBugs")
  void formerDecoderBugsAreRejected(String bug, boolean isPublic, byte[] input, String reason) {
    SpecVerdict<byte[]> expected =
        isPublic
            ? KeySpecRules.publicKey(input)
            : KeySpecRules.privateKey(input, knownValidPrivateData());
    assertFalse(expected.valid(), bug);
    Executable decode =
        isPublic ? () -> PublicKey.unmarshal(input) : () -> PrivateKey.unmarshal(input);
    boolean accepted;
    try {
      accepted =
          acceptsOrRejectsCleanly(InvalidKeyFormatException.class, shown(input, null), decode);
    } catch (AssertionError e) {
      throw new AssertionError("DECODER BUG (" + bug + "): " + e.getMessage(), e);
    }
    assertFalse(accepted, "DECODER BUG (" + bug + "): accepted " + shown(input, null) + ", but "
        + expected.violation());
    String message = assertRejects(InvalidKeyFormatException.class, decode).getMessage();
    assertTrue(message.contains(reason), bug + ": " + message);
  }

  static Stream<Arguments> formerDecoderBugs() {
    byte[][] ecdsa = VECTOR_DATA.get(KeyType.ECDSA);
    byte[][] rsa = VECTOR_DATA.get(KeyType.RSA);
    byte[] offCurve = ecdsa[1].clone();
    offCurve[offCurve.length - 1] ^= 1;
    byte[] spkiUnusedBits = ecdsa[1].clone();
    spkiUnusedBits[SPKI_UNUSED_BITS] = 2;
    byte[] version0 = ecdsa[0].clone();
    version0[SEC1_VERSION] = 0;
    byte[] unusedBits = ecdsa[0].clone();
    unusedBits[SEC1_UNUSED_BITS] = 1;
    byte[] inconsistentRsa = rsa[0].clone();
    inconsistentRsa[inconsistentRsa.length - 1] ^= 1;
    return Stream.of(
        Arguments.of("ECDSA SubjectPublicKeyInfo followed by a byte",
            true, KeySpecRules.message(KeyType.ECDSA, Arrays.copyOf(ecdsa[1], ecdsa[1].length + 1)),
            "1 byte after"),
        Arguments.of("RSA SubjectPublicKeyInfo followed by a byte",
            true, KeySpecRules.message(KeyType.RSA, Arrays.copyOf(rsa[1], rsa[1].length + 1)),
            "1 byte after"),
        Arguments.of("ECDSA public point not on P-256",
            true, KeySpecRules.message(KeyType.ECDSA, offCurve), "point is not on P-256"),
        Arguments.of("ECDSA SubjectPublicKeyInfo BIT STRING with 2 unused bits",
            true, KeySpecRules.message(KeyType.ECDSA, spkiUnusedBits), "2 unused bits"),
        Arguments.of("RSA AlgorithmIdentifier without its NULL parameters",
            true, KeySpecRules.message(KeyType.RSA, rsaSpkiWithoutNullParameters(rsa[1])),
            "NULL parameters"),
        Arguments.of("RSA AlgorithmIdentifier with an empty ObjectDescriptor for parameters (fuzzing)",
            true, KeySpecRules.message(KeyType.RSA, rsaSpkiWithOtherParameters(rsa[1])),
            "NULL parameters"),
        Arguments.of("RSA modulus negative in DER, which the JDK read as positive (fuzzing)",
            true, KeySpecRules.message(KeyType.RSA, rsaSpkiWithNegativeModulus(rsa[1])),
            "not a positive number"),
        Arguments.of("SEC1 ECPrivateKey of version 0, not 1",
            false, KeySpecRules.message(KeyType.ECDSA, version0), "version 0"),
        Arguments.of("SEC1 public key BIT STRING with 1 unused bit",
            false, KeySpecRules.message(KeyType.ECDSA, unusedBits), "1 unused bits"),
        Arguments.of("SEC1 ECPrivateKey with a long-form length below 128, which DER forbids",
            false, KeySpecRules.message(KeyType.ECDSA, longFormLength(ecdsa[0])), "not DER"),
        Arguments.of("PKCS#1 RSAPrivateKey whose coefficient is not q^-1 mod p",
            false, KeySpecRules.message(KeyType.RSA, inconsistentRsa), "coefficient"),
        Arguments.of("RSA private key with empty Data (NullPointerException, not a clean rejection)",
            false, KeySpecRules.message(KeyType.RSA, new byte[0]), "empty"));
  }

  /**
   * The spec vector's RSA private key with one part off by one (n, e, d, p, q, dP, dQ, qInv in
   * PKCS#1 order, re-encoded as valid DER): the JDK takes such a key, and only fails when it signs.
   */
  @ParameterizedTest
  @CsvSource({
    "0, p*q", "1, exponents", "2, exponents", "3, p*q", "4, p*q", "5, dP", "6, dQ", "7, coefficient"
  })
  void rsaPrivateKeyWithInconsistentPartsIsRejected(int part, String reason) throws Exception {
    org.bouncycastle.asn1.pkcs.RSAPrivateKey vector =
        org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(VECTOR_DATA.get(KeyType.RSA)[0]);
    java.math.BigInteger[] parts = {
      vector.getModulus(), vector.getPublicExponent(), vector.getPrivateExponent(),
      vector.getPrime1(), vector.getPrime2(), vector.getExponent1(), vector.getExponent2(),
      vector.getCoefficient()
    };
    parts[part] = parts[part].add(java.math.BigInteger.ONE);
    byte[] data =
        new org.bouncycastle.asn1.pkcs.RSAPrivateKey(
                parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7])
            .getEncoded("DER");
    InvalidKeyFormatException e =
        assertRejects(
            InvalidKeyFormatException.class,
            () -> PrivateKey.unmarshal(KeyCodec.marshalPrivate(KeyType.RSA, data)));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  /** An RSA SubjectPublicKeyInfo whose AlgorithmIdentifier omits the NULL that go requires. */
  private static byte[] rsaSpkiWithoutNullParameters(byte[] spki) {
    return rsaSpkiWithParameters(spki, null);
  }

  /** The fuzzing finding: the JDK read these parameters and wrote them back. */
  private static byte[] rsaSpkiWithOtherParameters(byte[] spki) {
    return rsaSpkiWithParameters(
        spki,
        new org.bouncycastle.asn1.ASN1ObjectDescriptor(
            new org.bouncycastle.asn1.DERGraphicString(new byte[0])));
  }

  /** The fuzzing finding: the modulus's magnitude with its high bit set, which DER reads as negative. */
  private static byte[] rsaSpkiWithNegativeModulus(byte[] spki) {
    try {
      org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info =
          org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(spki);
      org.bouncycastle.asn1.pkcs.RSAPublicKey key =
          org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey());
      java.math.BigInteger negative =
          new java.math.BigInteger(
              org.bouncycastle.util.BigIntegers.asUnsignedByteArray(key.getModulus()));
      return new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
              info.getAlgorithm(),
              new org.bouncycastle.asn1.pkcs.RSAPublicKey(negative, key.getPublicExponent()))
          .getEncoded("DER");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code spki} with {@code parameters} (none if null) instead of NULL after rsaEncryption. */
  private static byte[] rsaSpkiWithParameters(
      byte[] spki, org.bouncycastle.asn1.ASN1Encodable parameters) {
    try {
      org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info =
          org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(spki);
      org.bouncycastle.asn1.x509.AlgorithmIdentifier algorithm =
          new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
              info.getAlgorithm().getAlgorithm(), parameters);
      return new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(algorithm, info.getPublicKeyData())
          .getEncoded("DER");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** {@code der} with its outer SEQUENCE's short-form length written in the long form. */
  private static byte[] longFormLength(byte[] der) {
    assertTrue((der[1] & 0x80) == 0, "the vector's outer length is short-form");
    return concat(new byte[] {der[0], (byte) 0x81}, Arrays.copyOfRange(der, 1, der.length));
  }

  /** @return whether the decoder accepted {@code input}, after checking that the spec agrees */
  private static boolean checkPublicKey(byte[] input, Damage damage) {
    String shown = shown(input, damage);
    SpecVerdict<byte[]> expected = KeySpecRules.publicKey(input);
    Optional<PublicKey> accepted =
        expected.assertDecoderAgrees(InvalidKeyFormatException.class, shown, () -> PublicKey.unmarshal(input));
    accepted.ifPresent(key -> {
      assertArrayEquals(expected.value(), key.marshal(), shown);
      assertEquals(key, PublicKey.unmarshal(key.marshal()), shown);
    });
    return accepted.isPresent();
  }

  /** @return whether the decoder accepted {@code input}, after checking that the spec agrees */
  private static boolean checkPrivateKey(byte[] input, Damage damage) {
    String shown = shown(input, damage);
    SpecVerdict<byte[]> expected = KeySpecRules.privateKey(input, knownValidPrivateData());
    Optional<PrivateKey> accepted =
        expected.assertDecoderAgrees(InvalidKeyFormatException.class, shown, () -> PrivateKey.unmarshal(input));
    accepted.ifPresent(key -> {
      assertArrayEquals(expected.value(), key.marshal(), shown);
      // The only RSA key accepted here is the vector's, and a 4096-bit signature takes milliseconds.
      if (key.type() != KeyType.RSA) {
        assertTrue(key.publicKey().verify(MESSAGE, key.sign(MESSAGE)), shown);
      }
    });
    return accepted.isPresent();
  }

  /** The ECDSA and RSA private keys known to be valid: the spec vectors'. */
  private static Map<KeyType, List<byte[]>> knownValidPrivateData() {
    return Map.of(
        KeyType.ECDSA, List.of(VECTOR_DATA.get(KeyType.ECDSA)[0]),
        KeyType.RSA, List.of(VECTOR_DATA.get(KeyType.RSA)[0]));
  }

  /** The input for a failure message: in full unless it is an RSA key's kilobytes. */
  private static String shown(byte[] input, Damage damage) {
    String text =
        input.length <= 256
            ? hex(input)
            : hex(Arrays.copyOf(input, 64)) + "... (" + input.length + " bytes)";
    return damage == null ? text : damage + " " + text;
  }

  /** The Data fields of the spec vectors: {private, public} for each type. */
  private static Map<KeyType, byte[][]> vectorData() {
    Map<KeyType, byte[][]> data = new EnumMap<>(KeyType.class);
    for (String[] row : TestVectors.rows("peer-id-keys.tsv")) {
      KeyType type = KeyType.valueOf(row[0].toUpperCase(Locale.ROOT));
      data.put(type, new byte[][] {dataField(hex(row[1])), dataField(hex(row[2]))});
    }
    return data;
  }

  /** The Data of a deterministic key protobuf: after 08, the type, 12 and the length varint. */
  private static byte[] dataField(byte[] message) {
    int start = 3;
    while ((message[start] & 0x80) != 0) {
      start++;
    }
    return Arrays.copyOfRange(message, start + 1, message.length);
  }

  @Test
  void differentKeysAreNotEqual() {
    assertNotEquals(KEYS.get(KeyType.ED25519), PrivateKey.generate());
    assertNotEquals(KEYS.get(KeyType.ED25519).publicKey(), PrivateKey.generate().publicKey());
  }

  private static byte[] derSignature(java.math.BigInteger r, java.math.BigInteger s) {
    try {
      return new org.bouncycastle.asn1.DERSequence(
              new org.bouncycastle.asn1.ASN1Integer[] {
                new org.bouncycastle.asn1.ASN1Integer(r), new org.bouncycastle.asn1.ASN1Integer(s)
              })
          .getEncoded("DER");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
