package io.jlibp2p.core.security.tls.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the certificate chains that the handshake's {@link CertificateCheck} accepts. No
 * certificate authorities: every peer's certificate is self-signed, and the peer ID is the
 * identity.
 *
 * <p>The JDK's TLS makes one per connection ({@link #of}); a QUIC codec has one for all its
 * connections, and finds each handshake's check by the engine the TLS stack names.
 */
public final class CertificateTrustManager extends X509ExtendedTrustManager {

  private final Function<SSLEngine, CertificateCheck> checks;

  /**
   * A trust manager that asks {@code checks} for the check of the handshake on an engine (null
   * when the stack names none); a handshake it has no check for is refused.
   */
  public CertificateTrustManager(Function<SSLEngine, CertificateCheck> checks) {
    this.checks = checks;
  }

  /** A trust manager for one handshake. */
  public static CertificateTrustManager of(CertificateCheck check) {
    return new CertificateTrustManager(engine -> check);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, null);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    CertificateCheck check = checks.apply(engine);
    if (check == null) {
      throw new CertificateException("no libp2p handshake is under way on this TLS engine");
    }
    check.check(chain);
  }
}
