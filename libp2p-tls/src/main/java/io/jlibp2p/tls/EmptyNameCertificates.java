package io.jlibp2p.tls;

import io.jlibp2p.tls.internal.EmptyNameCertificateFactory;
import io.jlibp2p.tls.internal.EmptyNameCertificateProvider;
import java.security.Security;

/**
 * The one JVM-wide switch of libp2p TLS, off until the application turns it on: lets the JDK read
 * X.509 certificates whose issuer is an empty name, which js-libp2p sends.
 *
 * <p>The JDK's TLS parses a peer's certificate with the JVM's {@code CertificateFactory} before
 * any trust manager runs, and the JDK's factory refuses an empty issuer ({@code Empty issuer DN not
 * allowed in X509Certificates}). No option of an {@code SSLEngine} changes which factory it uses,
 * so the only way in is the JVM's provider list. Without the switch, a handshake with such a peer
 * fails with a {@link io.jlibp2p.core.security.tls.TlsCertificateException} of reason {@code
 * EMPTY_ISSUER_NAME} that names this class.
 *
 * <p>{@link #enable()} puts a provider first that supplies an X.509 {@code CertificateFactory}
 * and nothing else. It hands every input to the JDK's own factory, and only a certificate the JDK
 * refuses for its empty issuer is read again with BouncyCastle (which the JVM's BouncyCastle
 * configuration does not see: the switch is a thread override during that one read). So every
 * certificate the JDK accepted before is read as before; what changes for the rest of the JVM is
 * that certificates with an empty issuer now parse, and must then still pass whatever trust check
 * their user makes.
 *
 * <pre>{@code
 * EmptyNameCertificates.enable(); // once, at startup, before talking to js-libp2p peers over TLS
 * }</pre>
 */
public final class EmptyNameCertificates {

  private EmptyNameCertificates() {}

  /** Puts the provider first in the JVM's list, once; later calls do nothing. */
  public static synchronized void enable() {
    if (!isEnabled()) {
      // BouncyCastle's provider takes a while to build: here, not on an event loop at the first
      // js certificate.
      EmptyNameCertificateFactory.prepare();
      Security.insertProviderAt(new EmptyNameCertificateProvider(), 1);
    }
  }

  /** Whether {@link #enable()} has run in this JVM (or the provider was installed another way). */
  public static boolean isEnabled() {
    return Security.getProvider(EmptyNameCertificateProvider.NAME) != null;
  }
}
