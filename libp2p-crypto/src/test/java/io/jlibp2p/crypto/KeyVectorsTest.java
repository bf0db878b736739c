package io.jlibp2p.crypto;

import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The peer-id spec's key test vectors, and the peer IDs derived from them. */
class KeyVectorsTest {

  static Stream<Arguments> vectors() {
    return TestVectors.rows("peer-id-keys.tsv").stream()
        .map(r -> Arguments.of(KeyType.valueOf(r[0].toUpperCase(Locale.ROOT)), r[1], r[2], r[3], r[4]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void privateKeyRoundTripsAndProducesThePublicKey(
      KeyType type, String privateHex, String publicHex, String base58, String cid) {
    PrivateKey privateKey = PrivateKey.unmarshal(hex(privateHex));
    assertEquals(type, privateKey.type());
    assertEquals(privateHex, hex(privateKey.marshal()));
    // "Implementations SHOULD check that they can produce the provided public key."
    assertEquals(publicHex, hex(privateKey.publicKey().marshal()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void publicKeyRoundTrips(KeyType type, String privateHex, String publicHex, String base58, String cid) {
    PublicKey publicKey = PublicKey.unmarshal(hex(publicHex));
    assertEquals(type, publicKey.type());
    assertEquals(publicHex, hex(publicKey.marshal()));
    assertEquals(PrivateKey.unmarshal(hex(privateHex)).publicKey(), publicKey);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void vectorKeySignsAndVerifies(
      KeyType type, String privateHex, String publicHex, String base58, String cid) {
    PrivateKey privateKey = PrivateKey.unmarshal(hex(privateHex));
    byte[] message = ("libp2p " + type).getBytes(StandardCharsets.UTF_8);
    byte[] signature = privateKey.sign(message);
    PublicKey publicKey = PublicKey.unmarshal(hex(publicHex));
    assertTrue(publicKey.verify(message, signature));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void peerIdInBothTextForms(KeyType type, String privateHex, String publicHex, String base58, String cid) {
    PublicKey publicKey = PublicKey.unmarshal(hex(publicHex));
    PeerId id = PeerId.fromPublicKey(publicKey);
    assertEquals(base58, id.toBase58());
    assertEquals(base58, id.toString());
    assertEquals(cid, id.toCidString());
    assertEquals(id, PeerId.fromString(base58));
    assertEquals(id, PeerId.fromString(cid));
    assertTrue(id.matches(publicKey));
    boolean inlined = publicKey.marshal().length <= PeerId.MAX_INLINE_KEY_LENGTH;
    assertEquals(inlined ? Optional.of(publicKey) : Optional.empty(), id.publicKey());
  }
}
