package io.jlibp2p.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.aead.ChaChaPoly;
import org.junit.jupiter.api.Test;

/**
 * The {@code jlibp2p} tool carries {@code libp2p-crypto-conscrypt}, so its noise runs on
 * Conscrypt's ChaCha20-Poly1305 on x86-64 (where Conscrypt 2.5.2 ships its native library), not
 * the JDK's: {@code bench/perf.sh} labels its rows on that assumption.
 */
class NativeCipherTest {

  @Test
  void noiseInTheToolUsesConscrypt() {
    assumeTrue(System.getProperty("os.arch").matches("amd64|x86_64"), "Conscrypt has no native library for this CPU");
    assertTrue(ChaChaPoly.implementation().startsWith("Conscrypt "), ChaChaPoly.implementation());
  }
}
