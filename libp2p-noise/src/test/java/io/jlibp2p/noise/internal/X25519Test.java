package io.jlibp2p.noise.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * {@link X25519} against RFC 7748's vectors and, for many random keys, against the JDK's {@code XDH}
 * provider (which noise used before): the same secret for the same bytes, including public keys
 * whose top bit is set or whose value is not reduced modulo 2^255 - 19.
 */
class X25519Test {

  @Test
  void scalarMultiplicationVectorOfRfc7748Section52() throws GeneralSecurityException {
    X25519 key = X25519.fromPrivate(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
    assertArrayEquals(
        hex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"),
        key.agree(hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")));
  }

  @Test
  void diffieHellmanVectorOfRfc7748Section61() throws GeneralSecurityException {
    X25519 alice = X25519.fromPrivate(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    X25519 bob = X25519.fromPrivate(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    assertArrayEquals(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), alice.publicKey());
    assertArrayEquals(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), bob.publicKey());
    byte[] secret = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assertArrayEquals(secret, alice.agree(bob.publicKey()));
    assertArrayEquals(secret, bob.agree(alice.publicKey()));
  }

  @Test
  void agreesWithTheJdkProviderOnRandomKeys() throws GeneralSecurityException {
    Random random = new Random(7748);
    for (int i = 0; i < 300; i++) {
      byte[] privateKey = new byte[32];
      byte[] publicKey = new byte[32];
      random.nextBytes(privateKey);
      random.nextBytes(publicKey);
      if (i % 3 == 0) {
        // A value of 2^255 - 19 or more: not reduced, which RFC 7748 says to accept as it is.
        java.util.Arrays.fill(publicKey, 1, 31, (byte) 0xff);
        publicKey[0] |= (byte) 0xf0;
      }
      assertArrayEquals(jdkAgree(privateKey, publicKey), X25519.fromPrivate(privateKey).agree(publicKey), "key " + i);
    }
  }

  @Test
  void theTopBitOfThePublicKeyIsIgnored() throws GeneralSecurityException {
    X25519 key = X25519.generate();
    byte[] peer = X25519.generate().publicKey();
    byte[] flipped = peer.clone();
    flipped[31] ^= (byte) 0x80;
    assertArrayEquals(key.agree(peer), key.agree(flipped));
  }

  @Test
  void generatedKeysAgreeAndDiffer() throws GeneralSecurityException {
    X25519 a = X25519.generate();
    X25519 b = X25519.generate();
    assertNotEquals(HexFormat.of().formatHex(a.publicKey()), HexFormat.of().formatHex(b.publicKey()));
    assertArrayEquals(a.agree(b.publicKey()), b.agree(a.publicKey()));
    assertArrayEquals(X25519.fromPrivate(new byte[32]).publicKey(), X25519.fromPrivate(new byte[32]).publicKey());
  }

  @Test
  void lowOrderPointsAreRefused() {
    X25519 key = X25519.generate();
    // u = 0 and u = 1 are points of small order: every scalar gives the all-zero secret.
    byte[] one = new byte[32];
    one[0] = 1;
    for (byte[] point : new byte[][] {new byte[32], one}) {
      GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> key.agree(point));
      assertEquals("X25519 public key is a low-order point: the shared secret is all zero", e.getMessage());
    }
  }

  @Test
  void keysOfTheWrongLengthAreRefused() {
    X25519 key = X25519.generate();
    GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> key.agree(new byte[31]));
    assertEquals("X25519 public key must be 32 bytes, got 31", e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> X25519.fromPrivate(new byte[33]));
    assertEquals("X25519 private key must be 32 bytes, got 33", bad.getMessage());
  }

  private static byte[] jdkAgree(byte[] privateKey, byte[] publicKey) throws GeneralSecurityException {
    KeyFactory factory = KeyFactory.getInstance("X25519");
    byte[] bigEndian = new byte[32];
    for (int i = 0; i < 32; i++) {
      bigEndian[i] = publicKey[31 - i];
    }
    bigEndian[0] &= 0x7f;
    KeyAgreement agreement = KeyAgreement.getInstance("X25519");
    agreement.init(factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey)));
    agreement.doPhase(
        factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian))), true);
    return agreement.generateSecret();
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text);
  }
}
