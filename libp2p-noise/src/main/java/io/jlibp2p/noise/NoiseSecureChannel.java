package io.jlibp2p.noise;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.noise.internal.NoiseHandshakeHandler;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/noise/README.md">Noise</a> ({@code
 * /noise}): {@code Noise_XX_25519_ChaChaPoly_SHA256} with the libp2p handshake payload, the
 * secure channel every modern libp2p peer speaks.
 *
 * <p>Written here from the Noise Protocol Framework spec, on BouncyCastle's X25519 and the JDK's
 * ChaCha20-Poly1305; each handshake uses a fresh static Noise key, authenticated by a signature of
 * the identity key.
 */
public final class NoiseSecureChannel implements SecureChannel {

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
