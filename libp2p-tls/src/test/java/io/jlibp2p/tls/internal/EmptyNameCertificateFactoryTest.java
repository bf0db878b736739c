package io.jlibp2p.tls.internal;

import io.jlibp2p.core.security.tls.internal.TestCertificate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/**
 * {@link EmptyNameCertificateFactory} on its own, never registered (this JVM's provider list stays
 * as it is): the JDK's reading for every certificate the JDK reads, BouncyCastle's only for one
 * the JDK refuses for its empty issuer.
 */
class EmptyNameCertificateFactoryTest {

  private final EmptyNameCertificateFactory factory = new EmptyNameCertificateFactory();

  private static byte[] jsCertificate() {
    TestCertificate js = new TestCertificate();
    js.name = X500Name.getInstance(new DERSequence());
    return js.der();
  }

  @Test
  void theJdkRefusesAnEmptyIssuer() {
    CertificateParsingException e = assertThrows(CertificateParsingException.class,
        () -> CertificateFactory.getInstance("X.509", "SUN").generateCertificate(new ByteArrayInputStream(jsCertificate())));
    assertTrue(e.getMessage().contains("Empty issuer DN"), e.getMessage());
  }

  @Test
  void anEmptyIssuerIsReadByBouncyCastle() throws Exception {
    byte[] der = jsCertificate();
    X509Certificate certificate = (X509Certificate) factory.engineGenerateCertificate(new ByteArrayInputStream(der));
    assertTrue(certificate.getClass().getName().startsWith("org.bouncycastle."), certificate.getClass().getName());
    assertArrayEquals(der, certificate.getEncoded());
    assertEquals("EC", certificate.getPublicKey().getAlgorithm());
  }

  @Test
  void everyOtherCertificateIsTheJdksOwn() throws Exception {
    byte[] der = new TestCertificate().der();
    Certificate certificate = factory.engineGenerateCertificate(new ByteArrayInputStream(der));
    assertTrue(certificate.getClass().getName().startsWith("sun.security."), certificate.getClass().getName());
    assertArrayEquals(der, certificate.getEncoded());
  }

  @Test
  void certificatesReadOneByOneFromOneStreamStayApart() throws Exception {
    byte[] first = jsCertificate();
    byte[] second = new TestCertificate().der();
    byte[] both = new byte[first.length + second.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    InputStream in = new ByteArrayInputStream(both);
    assertArrayEquals(first, factory.engineGenerateCertificate(in).getEncoded());
    assertArrayEquals(second, factory.engineGenerateCertificate(in).getEncoded());
  }

  @Test
  void aStreamThatCannotBeReReadGetsTheJdksAnswer() {
    InputStream unmarkable = new FilterInputStream(new ByteArrayInputStream(jsCertificate())) {
      @Override
      public boolean markSupported() {
        return false;
      }
    };
    assertThrows(CertificateParsingException.class, () -> factory.engineGenerateCertificate(unmarkable));
  }
}
