package io.jlibp2p.noise;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import io.jlibp2p.noise.internal.NoiseHandshakeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/noise/README.md">Noise</a> ({@code
 * /noise}): {@code Noise_XX_25519_ChaChaPoly_SHA256} with the libp2p handshake payload, the
 * secure channel every modern libp2p peer speaks.
 *
 * <p>Written here from the Noise Protocol Framework spec, on BouncyCastle's X25519 and the
 * ChaCha20-Poly1305 that {@link ChaChaPoly} chooses: the JDK's, or before JDK 21 Conscrypt's native
 * one when {@code libp2p-crypto-conscrypt} is on the class path (6 times as fast on JDK 17). Which
 * one is logged once at DEBUG. Each handshake uses a fresh static Noise key, authenticated by a
 * signature of the identity key.
 */
public final class NoiseSecureChannel implements SecureChannel {

  private static final Logger LOG = LoggerFactory.getLogger(NoiseSecureChannel.class);

  static {
    LOG.debug("noise: ChaCha20-Poly1305 from {}", ChaChaPoly.implementation());
  }

  /** The protocol ID. */
  public static final String PROTOCOL_ID = NoiseHandshakeHandler.PROTOCOL_ID;

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Handshake handshake(HandshakeParameters parameters) {
    return Handshake.of(new NoiseHandshakeHandler(parameters));
  }
}
