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

import io.jlibp2p.multiformats.Multihash;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class KeysTest {

  private static final byte[] MESSAGE = "hello libp2p".getBytes(StandardCharsets.UTF_8);
  private static final Map<KeyType, PrivateKey> KEYS = new EnumMap<>(KeyType.class);

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

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void corruptedKeysDecodeOrFailCleanly(KeyType type) {
    Random random = new Random(type.ordinal() + 100);
    byte[] publicKey = KEYS.get(type).publicKey().marshal();
    byte[] privateKey = KEYS.get(type).marshal();
    int rounds = type == KeyType.RSA ? 300 : 2_000;
    for (int i = 0; i < rounds; i++) {
      byte[] corruptPublic = corrupt(publicKey, random);
      acceptsOrRejectsCleanly(
          InvalidKeyFormatException.class, hex(corruptPublic), () -> PublicKey.unmarshal(corruptPublic));
      byte[] corruptPrivate = corrupt(privateKey, random);
      acceptsOrRejectsCleanly(
          InvalidKeyFormatException.class, hex(corruptPrivate), () -> PrivateKey.unmarshal(corruptPrivate));
    }
  }

  @Test
  void randomBytesAreRejectedCleanly() {
    Random random = new Random(8);
    for (int i = 0; i < 10_000; i++) {
      byte[] input = new byte[random.nextInt(80)];
      random.nextBytes(input);
      acceptsOrRejectsCleanly(InvalidKeyFormatException.class, hex(input), () -> PublicKey.unmarshal(input));
      acceptsOrRejectsCleanly(InvalidKeyFormatException.class, hex(input), () -> PrivateKey.unmarshal(input));
    }
  }

  @Test
  void differentKeysAreNotEqual() {
    assertNotEquals(KEYS.get(KeyType.ED25519), PrivateKey.generate());
    assertNotEquals(KEYS.get(KeyType.ED25519).publicKey(), PrivateKey.generate().publicKey());
  }

  private static byte[] corrupt(byte[] input, Random random) {
    byte[] out = input.clone();
    switch (random.nextInt(3)) {
      case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
      case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      default -> out[2 + random.nextInt(out.length - 2)] = (byte) random.nextInt(256);
    }
    return out;
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
