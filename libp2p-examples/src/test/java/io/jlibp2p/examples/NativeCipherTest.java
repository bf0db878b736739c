package io.jlibp2p.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.aead.ChaChaPoly;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * The {@code jlibp2p} tool carries {@code libp2p-crypto-conscrypt}, so its noise runs on
 * Conscrypt's ChaCha20-Poly1305 on JDK 17 wherever Conscrypt's native library loads (x86-64), not
 * the JDK's: {@code bench/perf.sh} labels its rows on that assumption.
 */
class NativeCipherTest {

  @Test
  void noiseInTheToolUsesConscrypt() {
    assumeTrue(Conscrypt.isAvailable(), "Conscrypt has no native library for this platform");
    // From JDK 21 the JDK's own cipher, with intrinsics, is kept (ChaChaPoly's Javadoc).
    assumeTrue(Runtime.version().feature() < 21, "JDK " + Runtime.version().feature() + " keeps its own");
    assertTrue(ChaChaPoly.implementation().startsWith("Conscrypt "), ChaChaPoly.implementation());
  }
}
