package io.jlibp2p.core.security.tls.internal;

import io.jlibp2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.security.Signature;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * A certificate built to order, good by default (as {@link CertifiedKey#generate} makes them) and
 * spoiled one way by each setter: for tests of what a verifier refuses.
 */
public final class TestCertificate {

  private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

  public final PrivateKey hostKey;
  public KeyPair certificateKey = ecKey();
  /** The key that signs the certificate: its own, unless a test says otherwise. */
  public KeyPair signingKey = certificateKey;
  public String signatureAlgorithm = "SHA256withECDSA";
  public Instant notBefore = Instant.now().minus(Duration.ofHours(1));
  public Instant notAfter = Instant.now().plus(Duration.ofDays(1));
  public X500Name name = new X500Name("SERIALNUMBER=1");
  /** The libp2p extension's value; null to leave the extension out. */
  public byte[] libp2pExtension;
  public boolean libp2pCritical = true;
  public final List<Extension> otherExtensions = new ArrayList<>();
  public boolean uniqueIds;

  public TestCertificate() {
    this(PrivateKey.generate());
  }

  /** A good certificate of {@code hostKey}, its extension signed by it. */
  public TestCertificate(PrivateKey hostKey) {
    this.hostKey = hostKey;
    libp2pExtension = SignedKey.sign(hostKey, certificateKey.getPublic().getEncoded()).encode();
  }

  /** The certificate's DER. */
  public byte[] der() {
    try {
      // BouncyCastle's builder refuses an empty issuer name too, unless told otherwise.
      return EmptyNames.allowedWhile(this::build);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Assembles the DER by hand: BouncyCastle's certificate builder refuses an empty issuer name
   * whatever it is told, and js-libp2p's certificates have one.
   */
  private byte[] build() throws IOException {
    AlgorithmIdentifier algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm);
    ASN1EncodableVector tbs = new ASN1EncodableVector();
    tbs.add(new DERTaggedObject(true, 0, new ASN1Integer(2)));
    tbs.add(new ASN1Integer(1234));
    tbs.add(algorithm);
    tbs.add(name);
    tbs.add(new DERSequence(new ASN1Encodable[] {new Time(Date.from(notBefore)), new Time(Date.from(notAfter))}));
    tbs.add(name);
    tbs.add(SubjectPublicKeyInfo.getInstance(certificateKey.getPublic().getEncoded()));
    if (uniqueIds) {
      tbs.add(new DERTaggedObject(false, 1, new DERBitString(new byte[] {(byte) 0xa0}, 5)));
      tbs.add(new DERTaggedObject(false, 2, new DERBitString(new byte[] {(byte) 0xa0}, 5)));
    }
    ASN1EncodableVector extensions = new ASN1EncodableVector();
    if (libp2pExtension != null) {
      extensions.add(new Extension(SignedKey.OID, libp2pCritical, new DEROctetString(libp2pExtension)));
    }
    otherExtensions.forEach(extensions::add);
    if (extensions.size() > 0) {
      tbs.add(new DERTaggedObject(true, 3, new DERSequence(extensions)));
    }
    byte[] tbsDer = new DERSequence(tbs).getEncoded(ASN1Encoding.DER);
    try {
      Signature signer = Signature.getInstance(signatureAlgorithm);
      signer.initSign(signingKey.getPrivate());
      signer.update(tbsDer);
      return new DERSequence(new ASN1Encodable[] {
          ASN1Primitive.fromByteArray(tbsDer), algorithm, new DERBitString(signer.sign())}).getEncoded(ASN1Encoding.DER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The certificate and its key as a handshake presents them. BouncyCastle's certificate object,
   * which (unlike the JDK's) can hold an empty name; the JDK's TLS sends its encoding.
   */
  public CertifiedKey certified() {
    try {
      byte[] der = der();
      X509Certificate certificate = EmptyNames.allowedWhile(() -> {
        try {
          return new JcaX509CertificateConverter().setProvider(BOUNCY_CASTLE).getCertificate(new X509CertificateHolder(der));
        } catch (java.security.cert.CertificateException e) {
          throw new IOException(e);
        }
      });
      return new CertifiedKey(List.of(certificate), certificateKey.getPrivate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A critical or non-critical extension this implementation knows nothing of. */
  public static Extension unknownExtension(boolean critical) {
    try {
      return new Extension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), critical, new DEROctetString(new byte[] {5}).getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
