package io.jlibp2p.crypto.aead;

import java.nio.ByteBuffer;
import java.security.Provider;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.ServiceLoader;
import javax.crypto.AEADBadTagException;

/**
 * ChaCha20-Poly1305 ciphers from the fastest implementation that works here, chosen once per
 * process: the first {@link ChaChaPolyProvider} on the class path whose cipher loads and agrees
 * byte for byte with the JDK's, else the JDK's own.
 *
 * <p>Why: on JDK 17 the JDK's ChaCha20-Poly1305 has no intrinsics and bounds a noise connection at
 * about 300 MiB/s; a native one (Conscrypt's BoringSSL) runs several times faster. From JDK 21 the
 * JDK's is intrinsified too.
 *
 * <p>The system property {@value #IMPLEMENTATION_PROPERTY} set to {@code jdk} keeps the JDK's
 * even when a provider is present (to compare the two, for instance).
 */
public final class ChaChaPoly {

  /** The JCA name of the cipher. */
  public static final String ALGORITHM = "ChaCha20-Poly1305";

  /** The system property that, set to {@code jdk}, keeps the JDK's implementation. */
  public static final String IMPLEMENTATION_PROPERTY = "io.jlibp2p.crypto.chachapoly";

  private ChaChaPoly() {}

  /** A new, unkeyed cipher from the chosen implementation ({@link #implementation()}). */
  public static AeadCipher newCipher() {
    return new JceChaChaPoly(Choice.PROVIDER);
  }

  /** A new, unkeyed cipher from the JDK's provider, whatever else is present. */
  public static AeadCipher jdk() {
    return new JceChaChaPoly(null);
  }

  /**
   * A new, unkeyed cipher from {@code provider}, used by instance (not registered).
   *
   * @throws IllegalStateException if {@code provider} has no {@value #ALGORITHM}
   */
  public static AeadCipher of(Provider provider) {
    if (provider == null) {
      throw new NullPointerException("provider");
    }
    return new JceChaChaPoly(provider);
  }

  /**
   * Which implementation {@link #newCipher()} uses, and why when it is the JDK's: for example
   * {@code "Conscrypt 1.0"} or {@code "the JDK's (SunJCE): no ChaChaPolyProvider on the class
   * path"}.
   */
  public static String implementation() {
    return Choice.DESCRIPTION;
  }

  /** The choice, made when first needed. */
  private static final class Choice {
    /** Null for the JDK's. */
    static final Provider PROVIDER;
    static final String DESCRIPTION;

    static {
      Provider chosen = null;
      String description;
      String jdkName = "the JDK's (" + new JceChaChaPoly(null).providerName() + ")";
      if ("jdk".equals(System.getProperty(IMPLEMENTATION_PROPERTY, "").toLowerCase(Locale.ROOT))) {
        description = jdkName + ": " + IMPLEMENTATION_PROPERTY + "=jdk";
      } else {
        description = jdkName + ": no ChaChaPolyProvider on the class path";
        for (ChaChaPolyProvider source : ServiceLoader.load(ChaChaPolyProvider.class, ChaChaPoly.class.getClassLoader())) {
          try {
            Provider candidate = source.provider();
            agreesWithTheJdk(candidate);
            chosen = candidate;
            description = candidate.getName() + " " + candidate.getVersionStr();
            break;
          } catch (RuntimeException | LinkageError | AEADBadTagException e) {
            description = jdkName + ": " + source.getClass().getName() + " failed (" + e + ")";
          }
        }
      }
      PROVIDER = chosen;
      DESCRIPTION = description;
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
            throw new IllegalStateException(candidate.getName() + "'s " + ALGORITHM + " differs from the JDK's");
          }
          byte[] back = crypt(new JceChaChaPoly(candidate), key, nonce, ad, ours, direct, false);
          if (!Arrays.equals(back, plaintext)) {
            throw new IllegalStateException(candidate.getName() + " decrypted the JDK's " + ALGORITHM + " wrongly");
          }
        }
      }
    }

    private static byte[] crypt(AeadCipher cipher, byte[] key, long nonce, byte[] ad, byte[] input, boolean direct,
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
}
