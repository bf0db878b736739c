package io.jlibp2p.core.security.tls.internal;

import java.io.IOException;
import org.bouncycastle.util.Properties;

/**
 * Lets BouncyCastle read certificates whose issuer is an empty name (js-libp2p's are), on this
 * thread only and only while reading one: BouncyCastle refuses them unless its property {@value
 * #PROPERTY} is set, and a thread override sets it without touching JVM-wide properties.
 */
public final class EmptyNames {

  /** BouncyCastle's switch, read on each parse (thread override first, then system properties). */
  static final String PROPERTY = "org.bouncycastle.x509.allow_empty_issuer_cert";

  /** A parse that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface Parse<T> {
    T run() throws IOException;
  }

  private EmptyNames() {}

  /** Runs {@code parse} with empty issuer names allowed on this thread. */
  public static <T> T allowedWhile(Parse<T> parse) throws IOException {
    boolean wasSet = Properties.isOverrideSet(PROPERTY);
    if (wasSet) {
      return parse.run();
    }
    Properties.setThreadOverride(PROPERTY, true);
    try {
      return parse.run();
    } finally {
      Properties.removeThreadOverride(PROPERTY);
    }
  }
}
