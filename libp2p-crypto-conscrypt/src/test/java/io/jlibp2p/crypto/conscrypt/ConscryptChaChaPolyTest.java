package io.jlibp2p.crypto.conscrypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.aead.AeadCipher;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With this module on the class path, {@link ChaChaPoly} chooses Conscrypt's cipher, and that
 * cipher is the JDK's byte for byte and refuses what the JDK's refuses. (Noise's cacophony vectors
 * run through it in libp2p-noise's tests.)
 */
class ConscryptChaChaPolyTest {

  private static final byte[] KEY = new byte[32];
  private static final byte[] AD = {9, 8, 7, 6};

  static {
    new Random(17).nextBytes(KEY);
  }

  @BeforeAll
  static void onlyWhereConscryptLoads() {
    assumeTrue(Conscrypt.isAvailable(), "Conscrypt has no native library for this platform");
  }

  @Test
  void conscryptIsChosenBeforeJdk21() {
    // From JDK 21 the JDK's own cipher, with intrinsics, is kept (ChaChaPoly's Javadoc).
    assumeTrue(Runtime.version().feature() < 21, "JDK " + Runtime.version().feature() + " keeps its own");
    assertTrue(ChaChaPoly.implementation().startsWith("Conscrypt "), ChaChaPoly.implementation());
    assertEquals("Conscrypt", ChaChaPoly.chosenProvider().orElseThrow().getName());
  }

  @Test
  void everyLengthComesOutAsTheJdksAndDecryptsEitherWay() throws Exception {
    Random random = new Random(1);
    for (int length : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 4095, 16384, 65519}) {
      byte[] plaintext = new byte[length];
      random.nextBytes(plaintext);
      long nonce = random.nextLong();
      for (boolean direct : new boolean[] {false, true}) {
        byte[] jdk = encrypt(ChaChaPoly::jdk, nonce, plaintext, direct);
        byte[] conscrypt = encrypt(ChaChaPoly::newCipher, nonce, plaintext, direct);
        assertArrayEquals(jdk, conscrypt, "length " + length + (direct ? ", direct" : ", heap"));
        assertArrayEquals(plaintext, decrypt(ChaChaPoly::newCipher, nonce, AD, jdk, direct));
        assertArrayEquals(plaintext, decrypt(ChaChaPoly::jdk, nonce, AD, conscrypt, direct));
      }
    }
  }

  @Test
  void aChangedCiphertextTagNonceOrAdIsRefused() {
    byte[] sealed = encrypt(ChaChaPoly::newCipher, 3, new byte[100], true);
    for (int position : new int[] {0, 50, 99, 100, 115}) {
      byte[] changed = sealed.clone();
      changed[position] ^= 0x20;
      assertThrows(AEADBadTagException.class, () -> decrypt(ChaChaPoly::newCipher, 3, AD, changed, true),
          "a flipped bit at " + position);
    }
    assertThrows(AEADBadTagException.class, () -> decrypt(ChaChaPoly::newCipher, 4, AD, sealed, false));
    assertThrows(AEADBadTagException.class, () -> decrypt(ChaChaPoly::newCipher, 3, new byte[] {9, 8, 7}, sealed, false));
  }

  private static byte[] encrypt(Supplier<AeadCipher> ciphers, long nonce, byte[] plaintext, boolean direct) {
    AeadCipher cipher = ciphers.get();
    cipher.init(KEY);
    ByteBuffer out = allocate(plaintext.length + AeadCipher.TAG_LENGTH, direct);
    cipher.encrypt(nonce, AD, allocate(plaintext.length, direct).put(plaintext).flip(), out);
    return bytes(out);
  }

  private static byte[] decrypt(Supplier<AeadCipher> ciphers, long nonce, byte[] ad, byte[] sealed, boolean direct)
      throws AEADBadTagException {
    AeadCipher cipher = ciphers.get();
    cipher.init(KEY);
    ByteBuffer out = allocate(sealed.length - AeadCipher.TAG_LENGTH, direct);
    cipher.decrypt(nonce, ad, allocate(sealed.length, direct).put(sealed).flip(), out);
    return bytes(out);
  }

  private static ByteBuffer allocate(int capacity, boolean direct) {
    return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.flip().remaining()];
    buffer.get(out);
    return out;
  }
}
