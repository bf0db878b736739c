package io.jlibp2p.tls.internal;

import io.jlibp2p.core.security.tls.internal.DerSlices;
import io.jlibp2p.core.security.tls.internal.EmptyNames;
import java.io.IOException;
import java.io.InputStream;
import java.security.NoSuchProviderException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateFactorySpi;
import java.security.cert.CertificateParsingException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The JDK's X.509 factory, except that a certificate it refuses for an empty issuer name is read
 * again by BouncyCastle: see {@code EmptyNameCertificates}. Everything else, and every input whose
 * stream cannot be re-read, goes to the JDK's factory alone.
 *
 * <p>BouncyCastle's provider here is a private instance, never registered, so the JVM's provider
 * list gains nothing but this factory.
 */
public final class EmptyNameCertificateFactory extends CertificateFactorySpi {

  /** BouncyCastle, unregistered, for the certificate objects of what the JDK refuses. */
  private static final class Holder {
    static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();
  }

  private final CertificateFactory jdk;

  public EmptyNameCertificateFactory() {
    try {
      jdk = CertificateFactory.getInstance("X.509", "SUN");
    } catch (CertificateException | NoSuchProviderException e) {
      throw new IllegalStateException("every JDK has the SUN provider's X.509 factory", e);
    }
  }

  /**
   * Whether {@code failure} is the JDK's certificate parser refusing an empty issuer name. The
   * JDK has no type for it, only these words: {@code Empty issuer DN not allowed in
   * X509Certificates}.
   */
  static boolean refusesAnEmptyIssuer(Throwable failure) {
    return failure instanceof CertificateParsingException && String.valueOf(failure.getMessage()).contains("Empty issuer DN");
  }

  /** Builds the BouncyCastle provider now, so that the first fallback does not. */
  public static void prepare() {
    Holder.BOUNCY_CASTLE.getName();
  }

  @Override
  public Certificate engineGenerateCertificate(InputStream in) throws CertificateException {
    if (!in.markSupported()) {
      return jdk.generateCertificate(in);
    }
    in.mark(Integer.MAX_VALUE);
    try {
      return jdk.generateCertificate(in);
    } catch (CertificateParsingException e) {
      // The only refusal read again; any other failure stands.
      if (!refusesAnEmptyIssuer(e)) {
        throw e;
      }
      try {
        in.reset();
        // One certificate, as the JDK reads one: a caller may read several from one stream.
        byte[] encoded = DerSlices.element(in);
        return EmptyNames.allowedWhile(() -> {
          try {
            return new JcaX509CertificateConverter()
                .setProvider(Holder.BOUNCY_CASTLE)
                .getCertificate(new X509CertificateHolder(encoded));
          } catch (CertificateException ce) {
            throw new IOException(ce.getMessage(), ce);
          }
        });
      } catch (IOException | RuntimeException again) {
        e.addSuppressed(again);
        throw e;
      }
    }
  }

  @Override
  public Collection<? extends Certificate> engineGenerateCertificates(InputStream in) throws CertificateException {
    return jdk.generateCertificates(in);
  }

  @Override
  public CRL engineGenerateCRL(InputStream in) throws CRLException {
    return jdk.generateCRL(in);
  }

  @Override
  public Collection<? extends CRL> engineGenerateCRLs(InputStream in) throws CRLException {
    return jdk.generateCRLs(in);
  }

  @Override
  public CertPath engineGenerateCertPath(InputStream in) throws CertificateException {
    return jdk.generateCertPath(in);
  }

  @Override
  public CertPath engineGenerateCertPath(InputStream in, String encoding) throws CertificateException {
    return jdk.generateCertPath(in, encoding);
  }

  @Override
  public CertPath engineGenerateCertPath(List<? extends Certificate> certificates) throws CertificateException {
    return jdk.generateCertPath(certificates);
  }

  @Override
  public Iterator<String> engineGetCertPathEncodings() {
    return jdk.getCertPathEncodings();
  }
}
