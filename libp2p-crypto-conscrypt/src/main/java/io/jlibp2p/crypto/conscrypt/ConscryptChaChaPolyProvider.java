package io.jlibp2p.crypto.conscrypt;

import io.jlibp2p.crypto.aead.ChaChaPolyProvider;
import java.security.Provider;
import org.conscrypt.Conscrypt;

/**
 * Conscrypt's ChaCha20-Poly1305 for {@link io.jlibp2p.crypto.aead.ChaChaPoly}: BoringSSL's
 * assembly, 6 times the JDK 17 cipher's speed (figures in {@code docs/benchmarks.md}); from JDK 21
 * {@code ChaChaPoly} keeps the JDK's own, whose intrinsics are faster still. Found by {@link
 * java.util.ServiceLoader}: having this module on the class path is the whole configuration.
 *
 * <p>One provider instance for the process, made on first use and never registered with {@link
 * java.security.Security}: the application's own JCA and TLS choices stay as they were.
 */
public final class ConscryptChaChaPolyProvider implements ChaChaPolyProvider {

  /** For {@link java.util.ServiceLoader}. */
  public ConscryptChaChaPolyProvider() {}

  /**
   * Conscrypt's provider.
   *
   * @throws LinkageError if its native library does not load on this platform (an {@link
   *     UnsatisfiedLinkError} on the first call, a {@link NoClassDefFoundError} after): Conscrypt
   *     2.5.2's jar carries Linux and macOS builds for x86-64 and Windows builds for x86 and x86-64,
   *     none for ARM64 (there the JDK's cipher stays)
   */
  @Override
  public Provider provider() {
    return Holder.PROVIDER;
  }

  private static final class Holder {
    // Conscrypt.newProvider() loads the native library; checkAvailability() reports why it could
    // not, rather than a bare NoClassDefFoundError later.
    static final Provider PROVIDER = load();

    private static Provider load() {
      Conscrypt.checkAvailability();
      return Conscrypt.newProvider();
    }
  }
}
