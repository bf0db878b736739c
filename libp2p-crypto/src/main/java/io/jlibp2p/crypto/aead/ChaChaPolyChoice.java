package io.jlibp2p.crypto.aead;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Random;
import java.util.ServiceConfigurationError;
import javax.crypto.AEADBadTagException;

/**
 * {@link ChaChaPoly}'s choice of implementation, and how it was made: the first provider that loads
 * and agrees with the JDK's cipher, else the JDK's (a null {@code provider}) with the reason.
 */
record ChaChaPolyChoice(Provider provider, String description) {

  /**
   * The first JDK feature release whose own ChaCha20-Poly1305 is kept over a provider's: measured
   * here, Conscrypt's is 6 times JDK 17's but 30% slower than Temurin 25's, whose ChaCha20 and
   * Poly1305 have intrinsics; 21 is the first long-term release with them.
   */
  static final int INTRINSIFIED_JDK = 21;

  /**
   * Tries {@code sources} in order, unless {@code property} (the value of {@link
   * ChaChaPoly#IMPLEMENTATION_PROPERTY}) is {@code jdk}, or the JDK ({@code jdkFeature}, its
   * feature release) is {@link #INTRINSIFIED_JDK} or later and {@code property} is not {@code
   * native}. Never throws: whatever goes wrong with a provider leaves the JDK's, and the
   * description says what went wrong.
   */
  static ChaChaPolyChoice make(Iterator<ChaChaPolyProvider> sources, String property, int jdkFeature) {
    String jdkName = "the JDK's";
    try {
      jdkName = "the JDK's (" + new JceChaChaPoly(null).providerName() + ")";
    } catch (IllegalStateException e) {
      // A JDK without the cipher (a FIPS configuration, say): newCipher() and jdk() will say so.
    }
    String wanted = property.toLowerCase(Locale.ROOT);
    if (wanted.equals("jdk")) {
      return new ChaChaPolyChoice(null, jdkName + ": " + ChaChaPoly.IMPLEMENTATION_PROPERTY + "=jdk");
    }
    if (jdkFeature >= INTRINSIFIED_JDK && !wanted.equals("native")) {
      return new ChaChaPolyChoice(null, jdkName + ": JDK " + jdkFeature + " has intrinsics for it");
    }
    String description = jdkName + ": no ChaChaPolyProvider on the class path";
    while (true) {
      ChaChaPolyProvider source;
      try {
        if (!sources.hasNext()) {
          return new ChaChaPolyChoice(null, description);
        }
        source = sources.next();
      } catch (ServiceConfigurationError e) {
        // A services entry naming a missing class, or a provider whose constructor threw: the
        // JDK's cipher still works. Stop here rather than trust an iterator that failed.
        return new ChaChaPolyChoice(null, jdkName + ": " + e);
      }
      try {
        Provider candidate = source.provider();
        agreesWithTheJdk(candidate);
        return new ChaChaPolyChoice(candidate, candidate.getName() + " " + candidate.getVersionStr());
      } catch (RuntimeException | LinkageError | AEADBadTagException e) {
        // RuntimeException: no such cipher, a JCE refusal (SecurityException), or a cipher that
        // differs from the JDK's; LinkageError: a native library that does not load here.
        description = jdkName + ": " + source.getClass().getName() + " failed (" + e + ")";
      }
    }
  }

  /**
   * Encrypts a few messages with {@code candidate} and the JDK, in heap and direct buffers, and
   * checks that both give the same bytes and that each decrypts the other's.
   *
   * @throws IllegalStateException if they differ
   */
  private static void agreesWithTheJdk(Provider candidate) throws AEADBadTagException {
    Random random = new Random(8439);
    byte[] key = new byte[32];
    random.nextBytes(key);
    byte[] ad = new byte[13];
    random.nextBytes(ad);
    for (int length : new int[] {0, 1, 64, 1000, 65519}) {
      byte[] plaintext = new byte[length];
      random.nextBytes(plaintext);
      for (boolean direct : new boolean[] {false, true}) {
        long nonce = length + (direct ? 1L << 40 : 0);
        byte[] theirs = crypt(new JceChaChaPoly(candidate), key, nonce, ad, plaintext, direct, true);
        byte[] ours = crypt(new JceChaChaPoly(null), key, nonce, ad, plaintext, direct, true);
        if (!Arrays.equals(theirs, ours)) {
          throw new IllegalStateException(candidate.getName() + "'s " + ChaChaPoly.ALGORITHM + " differs from the JDK's");
        }
        byte[] back = crypt(new JceChaChaPoly(candidate), key, nonce, ad, ours, direct, false);
        if (!Arrays.equals(back, plaintext)) {
          throw new IllegalStateException(candidate.getName() + " decrypted the JDK's " + ChaChaPoly.ALGORITHM + " wrongly");
        }
      }
    }
  }

  /**
   * Runs {@code input} through {@code cipher} keyed with {@code key}, in heap or direct buffers, and
   * returns what comes out: the ciphertext and tag when {@code encrypt}, else the plaintext.
   */
  static byte[] crypt(AeadCipher cipher, byte[] key, long nonce, byte[] ad, byte[] input, boolean direct,
      boolean encrypt) throws AEADBadTagException {
    cipher.init(key);
    int outLength = encrypt ? input.length + AeadCipher.TAG_LENGTH : input.length - AeadCipher.TAG_LENGTH;
    ByteBuffer in = direct ? ByteBuffer.allocateDirect(input.length) : ByteBuffer.allocate(input.length);
    in.put(input).flip();
    ByteBuffer out = direct ? ByteBuffer.allocateDirect(outLength) : ByteBuffer.allocate(outLength);
    if (encrypt) {
      cipher.encrypt(nonce, ad, in, out);
    } else {
      cipher.decrypt(nonce, ad, in, out);
    }
    byte[] result = new byte[out.flip().remaining()];
    out.get(result);
    return result;
  }
}
