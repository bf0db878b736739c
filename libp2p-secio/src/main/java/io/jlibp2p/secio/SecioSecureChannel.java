package io.jlibp2p.secio;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.secio.internal.SecioHandshakeHandler;

/**
 * SECIO ({@code /secio/1.0.0}): the secure channel of older libp2p nodes, js-libp2p up to 0.29,
 * go-libp2p before 2021 and jvm-libp2p. Deprecated upstream in favour of noise and TLS, so it is
 * never a default: add it after them, for peers that speak nothing else.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder().secureChannel(new SecioSecureChannel()).build();
 * }</pre>
 *
 * <p>ECDH on P-256, P-384 or P-521, AES-128 or AES-256 in CTR mode, HMAC-SHA256 or -SHA512 over
 * each packet; the identity key signs the exchange. Stateless and sharable.
 */
public final class SecioSecureChannel implements SecureChannel {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = SecioHandshakeHandler.PROTOCOL_ID;

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Handshake handshake(HandshakeParameters parameters) {
    return Handshake.of(new SecioHandshakeHandler(parameters));
  }
}
