package io.jlibp2p.tls.internal;

import io.jlibp2p.tls.EmptyNameCertificates;
import java.security.Provider;

/**
 * The security provider of {@link EmptyNameCertificates}: an X.509 {@code CertificateFactory},
 * {@link EmptyNameCertificateFactory}, and nothing else.
 */
public final class EmptyNameCertificateProvider extends Provider {

  /** The provider's name in the JVM's list. */
  public static final String NAME = "jlibp2p-empty-name-certificates";

  private static final long serialVersionUID = 1L;

  public EmptyNameCertificateProvider() {
    super(NAME, "1.0", "X.509 certificates with an empty issuer name, for libp2p TLS with js-libp2p peers");
    putService(new Service(this, "CertificateFactory", "X.509", EmptyNameCertificateFactory.class.getName(), null, null));
  }
}
