package io.jlibp2p.crypto.aead;

import java.security.Provider;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * ChaCha20-Poly1305 ciphers from the fastest implementation that works here, chosen once per
 * process: before JDK 21, the first {@link ChaChaPolyProvider} on the class path whose cipher loads
 * and agrees byte for byte with the JDK's, else the JDK's own; from JDK 21, the JDK's own.
 *
 * <p>Why: on JDK 17 the JDK's ChaCha20-Poly1305 has no intrinsics and bounds a noise connection at
 * about 300 MiB/s; Conscrypt's BoringSSL one runs 6 times as fast. Later JDKs have intrinsics of
 * their own, and Temurin 25's beat Conscrypt's by 30% (figures in {@code docs/benchmarks.md}).
 *
 * <p>The system property {@value #IMPLEMENTATION_PROPERTY} set to {@code jdk} keeps the JDK's
 * even when a provider is present (to compare the two, for instance), and set to {@code native}
 * lets a provider win on any JDK; any other value, or none, leaves the choice as above.
 */
public final class ChaChaPoly {

  /** The JCA name of the cipher. */
  public static final String ALGORITHM = "ChaCha20-Poly1305";

  /** The system property that, set to {@code jdk} or {@code native}, overrides the choice. */
  public static final String IMPLEMENTATION_PROPERTY = "io.jlibp2p.crypto.chachapoly";

  private ChaChaPoly() {}

  /** A new, unkeyed cipher from the chosen implementation ({@link #implementation()}). */
  public static AeadCipher newCipher() {
    return new JceChaChaPoly(Choice.MADE.provider());
  }

  /** A new, unkeyed cipher from the JDK's provider, whatever else is present. */
  public static AeadCipher jdk() {
    return new JceChaChaPoly(null);
  }

  /**
   * A new, unkeyed cipher from {@code provider}, used by instance (not registered), without the
   * check against the JDK's that {@link #newCipher()}'s choice makes.
   *
   * @throws NullPointerException if {@code provider} is null
   * @throws IllegalStateException if {@code provider} has no {@value #ALGORITHM}
   * @throws SecurityException if the JDK refuses the provider (an Oracle JDK refuses unsigned ones)
   */
  public static AeadCipher of(Provider provider) {
    return new JceChaChaPoly(Objects.requireNonNull(provider, "provider"));
  }

  /** The provider {@link #newCipher()} uses, or empty when it is the JDK's. */
  public static Optional<Provider> chosenProvider() {
    return Optional.ofNullable(Choice.MADE.provider());
  }

  /**
   * Which implementation {@link #newCipher()} uses, and why when it is the JDK's: for example
   * {@code "Conscrypt 1.0"} or {@code "the JDK's (SunJCE): no ChaChaPolyProvider on the class
   * path"}.
   */
  public static String implementation() {
    return Choice.MADE.description();
  }

  /** The choice, made when first needed. */
  private static final class Choice {
    static final ChaChaPolyChoice MADE = ChaChaPolyChoice.make(
        ServiceLoader.load(ChaChaPolyProvider.class, ChaChaPoly.class.getClassLoader()).iterator(),
        System.getProperty(IMPLEMENTATION_PROPERTY, ""), Runtime.version().feature());
  }
}
