package io.jlibp2p.crypto.aead;

import java.security.Provider;

/**
 * A {@link ChaChaPolyProvider} whose native part does not load, as Conscrypt's does not on ARM64:
 * registered for this module's tests, so that {@link ChaChaPoly} must fall back to the JDK's.
 */
public final class UnloadableChaChaPolyProvider implements ChaChaPolyProvider {

  @Override
  public Provider provider() {
    throw new UnsatisfiedLinkError("no libfast in java.library.path");
  }
}
