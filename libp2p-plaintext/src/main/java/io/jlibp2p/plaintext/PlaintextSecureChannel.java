package io.jlibp2p.plaintext;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.plaintext.internal.PlaintextHandshakeHandler;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/plaintext/README.md">plaintext/2.0.0</a>:
 * each side sends its peer ID and public key, and nothing is encrypted.
 *
 * <p><b>Not secure.</b> It proves nothing: anyone can send any public key. It exists for tests,
 * for measuring the other layers, and for networks that are already trusted.
 */
public final class PlaintextSecureChannel implements SecureChannel {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = PlaintextHandshakeHandler.PROTOCOL_ID;

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Handshake handshake(HandshakeParameters parameters) {
    return Handshake.of(new PlaintextHandshakeHandler(parameters));
  }
}
