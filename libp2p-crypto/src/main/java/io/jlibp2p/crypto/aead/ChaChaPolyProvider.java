package io.jlibp2p.crypto.aead;

import java.security.Provider;

/**
 * A source of a faster ChaCha20-Poly1305 than the JDK's, found with {@link java.util.ServiceLoader}
 * by {@link ChaChaPoly}. An optional module registers one in {@code
 * META-INF/services/io.jlibp2p.crypto.aead.ChaChaPolyProvider}; {@code libp2p-crypto-conscrypt}
 * is jlibp2p's.
 *
 * <p>The provider is used by instance and never registered with {@link java.security.Security},
 * so the application's own JCA choices are left as they are.
 */
public interface ChaChaPolyProvider {

  /**
   * The JCA provider whose {@code ChaCha20-Poly1305} cipher to use. May throw (a {@link
   * RuntimeException} or a {@link LinkageError}, as a native library that does not load on this
   * platform does): {@link ChaChaPoly} then keeps the JDK's and says why.
   */
  Provider provider();
}
