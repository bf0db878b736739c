package io.jlibp2p.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.aead.ChaChaPoly;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

/**
 * The {@code jlibp2p} tool carries {@code libp2p-crypto-conscrypt}, so its noise runs on
 * Conscrypt's ChaCha20-Poly1305 wherever Conscrypt's native library loads (x86-64), not the JDK's:
 * {@code bench/perf.sh} labels its rows on that assumption.
 */
class NativeCipherTest {

  @Test
  void noiseInTheToolUsesConscrypt() {
    assumeTrue(Conscrypt.isAvailable(), "Conscrypt has no native library for this platform");
    assertTrue(ChaChaPoly.implementation().startsWith("Conscrypt "), ChaChaPoly.implementation());
  }
}
