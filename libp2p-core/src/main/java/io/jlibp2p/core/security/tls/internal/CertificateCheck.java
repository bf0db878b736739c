package io.jlibp2p.core.security.tls.internal;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.core.security.tls.Libp2pTls;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * One handshake's check of the remote's certificate chain: {@link CertificateVerifier}'s rules,
 * and on the dialing side the peer that was dialed. Remembers the host key it verified, or why it
 * refused, for the handshake's outcome: the TLS stack turns a refusal into an alert and an
 * exception with its own message, and {@link #rejection()} keeps ours, with its specific type.
 */
public final class CertificateCheck {

  private final HandshakeParameters parameters;
  private final Clock clock;
  private volatile PublicKey verified;
  private volatile SecurityHandshakeException rejection;

  /** A check for the handshake that {@code parameters} describe, dated by {@code clock}. */
  public CertificateCheck(HandshakeParameters parameters, Clock clock) {
    this.parameters = parameters;
    this.clock = clock;
  }

  /** The host key the remote proved, once its certificate was checked and accepted. */
  public PublicKey verified() {
    return verified;
  }

  /** Why the remote's certificate was refused, if it was. */
  public SecurityHandshakeException rejection() {
    return rejection;
  }

  /** Accepts {@code chain} or throws, for a trust manager, with the reason kept. */
  void check(X509Certificate[] chain) throws CertificateException {
    try {
      List<byte[]> encoded = new ArrayList<>(chain.length);
      for (X509Certificate certificate : chain) {
        // The only method a BoringSSL certificate (QUIC's) offers without parsing it again.
        encoded.add(certificate.getEncoded());
      }
      PublicKey key = CertificateVerifier.verify(encoded, clock.instant());
      parameters.requireExpected(Libp2pTls.PROTOCOL_ID, PeerId.fromPublicKey(key));
      verified = key;
    } catch (SecurityHandshakeException e) {
      rejection = e;
      throw new CertificateException(e.getMessage(), e);
    } catch (CertificateEncodingException e) {
      rejection = new SecurityHandshakeException(
          Libp2pTls.PROTOCOL_ID + ": the remote's certificate cannot be re-encoded: " + e.getMessage(), e);
      throw e;
    }
  }
}
