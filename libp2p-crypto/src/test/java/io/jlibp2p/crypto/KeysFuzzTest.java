package io.jlibp2p.crypto;

import static io.jlibp2p.testing.DecodingAssertions.decodesOrRejectsCleanly;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.multiformats.Multihash;
import io.jlibp2p.testing.SpecVerdict;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;

/**
 * Jazzer fuzz targets for the key and peer-ID decoders of the <a
 * href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-id spec</a>. Each
 * checks properties of the verdict, not only that nothing crashed:
 *
 * <ul>
 *   <li>rejected input throws the documented {@link InvalidKeyFormatException} or {@link
 *       InvalidPeerIdException}, with a message; any other exception propagates, and Jazzer
 *       reports it;
 *   <li>where this package's spec oracles ({@link KeySpecRules}, {@link PeerIdSpecRules}) judge an
 *       input, the decoder accepts exactly what they accept: public keys, Ed25519 and secp256k1
 *       private keys, peer IDs (which is why this class is in {@code io.jlibp2p.crypto} rather than
 *       a {@code fuzz} package: the oracles are package-private);
 *   <li>an accepted key re-marshals to the input, which the spec's deterministic encoding makes
 *       the only form of the key, except where the spec and go read more than one form and write
 *       one (secp256k1 points not compressed, the legacy 96-byte Ed25519 private key, the RSA and
 *       ECDSA private keys of {@link #rsaAsWritten} and {@link #assertSameEcdsaKey}); the
 *       re-marshalled key is a fixed point;
 *   <li>the peer ID of an accepted public key is stable: decoding its bytes or its text gives it
 *       back, it matches its key, and an inlined one gives the key back.
 * </ul>
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/crypto/KeysFuzzTestInputs/<method>/}: the spec's test vectors, a
 * 2048-bit RSA key generated once, and edge cases. To fuzz one target ({@code maxDuration} bounds
 * the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-crypto -Ddocs.phase=none \
 *     -Dtest='KeysFuzzTest#publicKey'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input. Nothing
 * here signs: an RSA signature costs milliseconds, and the key classes' unit tests sign already.
 */
class KeysFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void publicKey(byte[] input) {
    SpecVerdict<byte[]> expected = KeySpecRules.publicKey(input);
    Optional<PublicKey> decoded =
        expected.assertDecoderAgrees(
            InvalidKeyFormatException.class, "public key", () -> PublicKey.unmarshal(input));
    if (decoded.isEmpty()) {
      return;
    }
    PublicKey key = decoded.get();
    // The oracle's re-encoding is the input, or the compressed point of a secp256k1 key.
    assertArrayEquals(expected.value(), key.marshal());
    assertPublicKeyRoundTrips(key);
  }

  @FuzzTest(maxDuration = "60s")
  void privateKey(byte[] input) {
    Optional<KeySpecRules.KeyMessage> message = KeySpecRules.keyMessage(input);
    KeyType type = message.map(KeySpecRules.KeyMessage::type).orElse(null);
    Optional<PrivateKey> decoded;
    if (type == KeyType.ED25519 || type == KeyType.SECP256K1) {
      SpecVerdict<byte[]> expected = KeySpecRules.privateKey(input, Map.of());
      decoded =
          expected.assertDecoderAgrees(
              InvalidKeyFormatException.class, "private key", () -> PrivateKey.unmarshal(input));
      // The input, or the 64-byte form of a legacy 96-byte Ed25519 key.
      decoded.ifPresent(key -> assertArrayEquals(expected.value(), key.marshal()));
    } else {
      // The oracle knows valid ECDSA and RSA private keys only by the spec vectors' bytes, so here
      // it judges the protobuf, and the re-encoding is checked instead.
      decoded =
          decodesOrRejectsCleanly(
              InvalidKeyFormatException.class, "private key", () -> PrivateKey.unmarshal(input));
      if (decoded.isPresent()) {
        assertTrue(message.isPresent(), "accepted a protobuf not in the deterministic encoding");
        byte[] raw = decoded.get().raw();
        if (type == KeyType.RSA) {
          assertArrayEquals(
              rsaAsWritten(message.get().data()), raw, "an RSA private key must re-encode as read");
        } else {
          assertSameEcdsaKey(message.get().data(), raw);
        }
      }
    }
    if (decoded.isEmpty()) {
      return;
    }
    PrivateKey key = decoded.get();
    assertEquals(type, key.type());
    byte[] marshalled = key.marshal();
    PrivateKey again = PrivateKey.unmarshal(marshalled);
    assertEquals(key, again);
    assertArrayEquals(marshalled, again.marshal(), "a re-marshalled key is a fixed point");
    PublicKey publicKey = key.publicKey();
    assertEquals(type, publicKey.type());
    assertEquals(publicKey, again.publicKey());
    // The public half is a key the spec accepts, in its deterministic encoding.
    byte[] publicBytes = publicKey.marshal();
    assertArrayEquals(publicBytes, KeySpecRules.publicKey(publicBytes).value());
    assertPublicKeyRoundTrips(publicKey);
  }

  @FuzzTest(maxDuration = "60s")
  void peerIdFromBytes(byte[] input) {
    SpecVerdict<byte[]> expected = PeerIdSpecRules.multihash(input);
    Optional<PeerId> decoded =
        expected.assertDecoderAgrees(
            InvalidPeerIdException.class, "peer ID bytes", () -> PeerId.fromBytes(input));
    if (decoded.isEmpty()) {
      return;
    }
    PeerId id = decoded.get();
    assertArrayEquals(input, id.toBytes(), "a multihash has one binary form");
    assertEquals(id, PeerId.fromString(id.toBase58()));
    assertEquals(id, PeerId.fromString(id.toCidString()));
    if (id.multihash().type() != Multihash.Type.IDENTITY) {
      assertEquals(Optional.empty(), id.publicKey());
      return;
    }
    byte[] inlined = id.multihash().digest();
    Optional<PublicKey> key =
        decodesOrRejectsCleanly(
            InvalidKeyFormatException.class, "inlined key", () -> id.publicKey().orElseThrow());
    if (key.isPresent()) {
      // An identity peer ID may inline any valid key, in any form the decoder reads; it is that
      // key's own peer ID only if it holds the key's deterministic encoding, short enough to inline.
      boolean own =
          Arrays.equals(inlined, key.get().marshal())
              && inlined.length <= PeerId.MAX_INLINE_KEY_LENGTH;
      assertEquals(own, id.matches(key.get()));
    }
  }

  /** A decoded public key re-marshals to a fixed point, and its peer ID is stable. */
  private static void assertPublicKeyRoundTrips(PublicKey key) {
    byte[] marshalled = key.marshal();
    PublicKey again = PublicKey.unmarshal(marshalled);
    assertEquals(key, again);
    assertArrayEquals(marshalled, again.marshal(), "a re-marshalled key is a fixed point");

    PeerId id = PeerId.fromPublicKey(key);
    assertEquals(id, PeerId.fromBytes(id.toBytes()));
    assertEquals(id, PeerId.fromString(id.toBase58()));
    assertEquals(id, PeerId.fromPublicKey(again));
    assertTrue(id.matches(key));
    boolean inlined = marshalled.length <= PeerId.MAX_INLINE_KEY_LENGTH;
    assertEquals(
        inlined ? Multihash.Type.IDENTITY : Multihash.Type.SHA2_256, id.multihash().type());
    assertEquals(inlined ? Optional.of(key) : Optional.empty(), id.publicKey());
  }

  /**
   * What an accepted PKCS#1 RSA private key re-encodes to: itself, as DER has one encoding per key,
   * except for the version. A two-prime key marked version 1 (RFC 8017 says 0 unless there are more
   * primes, which the decoder rejects) is read, as go's {@code x509.ParsePKCS1PrivateKey} reads it,
   * and written as version 0, as go's {@code MarshalPKCS1PrivateKey} writes it.
   */
  private static byte[] rsaAsWritten(byte[] data) {
    // SEQUENCE header (a key's length takes the long form), then INTEGER 02 01 <version>.
    int version = 2 + ((data[1] & 0x80) == 0 ? 0 : data[1] & 0x7F) + 2;
    byte[] written = data.clone();
    if (written[version] == 1) {
      written[version] = 0;
    }
    return written;
  }

  /**
   * ECDSA private keys are read in more than one encoding of the same key, as go's {@code
   * x509.ParseECPrivateKey} reads them: the scalar shorter than 32 bytes (old OpenSSL) or with
   * leading zeros, the public key left out. They are written in go's {@code MarshalECPrivateKey}
   * form: 32-byte scalar, curve OID, public key. So the parts are compared: the same scalar, the
   * P-256 OID, which go requires on input, and the same public key where the input has one; and a
   * key already in that form re-encodes to its own bytes.
   */
  private static void assertSameEcdsaKey(byte[] data, byte[] reencoded) {
    var read = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(data);
    var written = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(reencoded);
    assertEquals(read.getKey(), written.getKey(), "the scalar changed");
    assertEquals(
        SECObjectIdentifiers.secp256r1,
        read.getParametersObject(),
        "accepted an ECDSA private key without the P-256 OID, which go rejects");
    assertEquals(read.getParametersObject(), written.getParametersObject());
    assertNotNull(written.getPublicKey(), "the re-encoding has no public key");
    if (read.getPublicKey() != null) {
      assertArrayEquals(read.getPublicKey().getBytes(), written.getPublicKey().getBytes());
      int scalarLength =
          ASN1OctetString.getInstance(ASN1Sequence.getInstance(data).getObjectAt(1)).getOctets().length;
      if (scalarLength == 32) {
        assertArrayEquals(data, reencoded, "an ECDSA private key in go's form must re-encode as read");
      }
    }
  }
}
