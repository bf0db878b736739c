package io.jlibp2p.tls.internal;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.tls.TlsSecureChannel;
import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the certificate chains that {@link CertificateVerifier} accepts, and on the
 * dialing side only the peer that was dialed; remembers the host key it verified, or why it
 * refused, for the handshake's outcome. For one connection.
 *
 * <p>The JDK turns a refusal into an alert and an {@code SSLHandshakeException} with its own
 * message; {@link #rejection()} keeps ours, with its specific type.
 */
final class CertificateTrustManager extends X509ExtendedTrustManager {

  private final HandshakeParameters parameters;
  private final Clock clock;
  private volatile PublicKey verified;
  private volatile SecurityHandshakeException rejection;

  CertificateTrustManager(HandshakeParameters parameters, Clock clock) {
    this.parameters = parameters;
    this.clock = clock;
  }

  /** The host key the remote proved, once its certificate was checked and accepted. */
  PublicKey verified() {
    return verified;
  }

  /** Why the remote's certificate was refused, if it was. */
  SecurityHandshakeException rejection() {
    return rejection;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // No certificate authorities: every peer's certificate is self-signed.
    return new X509Certificate[0];
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    try {
      List<byte[]> encoded = new ArrayList<>(chain.length);
      for (X509Certificate certificate : chain) {
        encoded.add(certificate.getEncoded());
      }
      PublicKey key = CertificateVerifier.verify(encoded, clock.instant());
      parameters.requireExpected(TlsSecureChannel.PROTOCOL_ID, PeerId.fromPublicKey(key));
      verified = key;
    } catch (SecurityHandshakeException e) {
      rejection = e;
      throw new CertificateException(e.getMessage(), e);
    } catch (CertificateEncodingException e) {
      rejection = new SecurityHandshakeException(
          TlsSecureChannel.PROTOCOL_ID + ": the remote's certificate cannot be re-encoded: " + e.getMessage(), e);
      throw e;
    }
  }
}
