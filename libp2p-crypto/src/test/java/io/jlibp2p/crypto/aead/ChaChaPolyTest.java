package io.jlibp2p.crypto.aead;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.Provider;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/**
 * The JDK's ChaCha20-Poly1305 behind {@link AeadCipher}: heap and direct buffers take different
 * paths through {@link JceChaChaPoly} and must agree; and when the one provider on this module's
 * test class path does not load, {@link ChaChaPoly} keeps the JDK's and says why.
 */
class ChaChaPolyTest {

  private static final byte[] KEY = new byte[32];
  private static final byte[] AD = {1, 2, 3};

  static {
    new Random(7).nextBytes(KEY);
  }

  // Through the same helper as ChaChaPoly's self-check, with this class's key, nonce 5 and AD.
  private static byte[] encrypt(byte[] plaintext, boolean direct) throws AEADBadTagException {
    return ChaChaPolyChoice.crypt(ChaChaPoly.jdk(), KEY, 5, AD, plaintext, direct, true);
  }

  private static byte[] decrypt(byte[] ciphertext, boolean direct) throws AEADBadTagException {
    return ChaChaPolyChoice.crypt(ChaChaPoly.jdk(), KEY, 5, AD, ciphertext, direct, false);
  }

  @Test
  void directAndHeapBuffersGiveTheSameBytesBothWays() throws Exception {
    // 70,000: longer than a Noise frame, so past the scratch array a thread keeps.
    for (int length : new int[] {0, 1, 4095, 65519, 70000}) {
      byte[] plaintext = new byte[length];
      new Random(length).nextBytes(plaintext);
      byte[] viaHeap = encrypt(plaintext, false);
      assertArrayEquals(viaHeap, encrypt(plaintext, true), "length " + length);
      assertArrayEquals(plaintext, decrypt(viaHeap, true), "length " + length);
      assertArrayEquals(plaintext, decrypt(viaHeap, false), "length " + length);
    }
  }

  @Test
  void aFlippedBitInDirectMemoryFailsAuthentication() throws AEADBadTagException {
    byte[] ciphertext = encrypt(new byte[1000], true);
    ciphertext[500] ^= 1;
    assertThrows(AEADBadTagException.class, () -> decrypt(ciphertext, true));
    byte[] tag = encrypt(new byte[10], true);
    tag[tag.length - 1] ^= (byte) 0x80;
    assertThrows(AEADBadTagException.class, () -> decrypt(tag, true));
  }

  @Test
  void aProviderThatDoesNotLoadLeavesTheJdksAndSaysWhy() throws AEADBadTagException {
    assumeTrue(Runtime.version().feature() < ChaChaPolyChoice.INTRINSIFIED_JDK, "from JDK 21 no provider is tried");
    // This module's tests register UnloadableChaChaPolyProvider.
    assertEquals("the JDK's (SunJCE): io.jlibp2p.crypto.aead.UnloadableChaChaPolyProvider failed"
        + " (java.lang.UnsatisfiedLinkError: no libfast in java.library.path)", ChaChaPoly.implementation());
    assertTrue(ChaChaPoly.chosenProvider().isEmpty());
    byte[] chosen = ChaChaPolyChoice.crypt(ChaChaPoly.newCipher(), KEY, 5, AD, new byte[] {7, 8, 9}, false, true);
    assertArrayEquals(encrypt(new byte[] {7, 8, 9}, false), chosen);
  }

  @Test
  void aProviderWithoutTheCipherIsRefusedByName() {
    Provider bare = new Provider("Bare", "1", "no ciphers") {};
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChaChaPoly.of(bare));
    assertEquals("Bare has no ChaCha20-Poly1305", e.getMessage());
  }
}
