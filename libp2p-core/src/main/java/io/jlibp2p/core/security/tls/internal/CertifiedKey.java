package io.jlibp2p.core.security.tls.internal;

import io.jlibp2p.crypto.PrivateKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * A fresh certificate key and the self-signed certificate that binds it to a host key, as every
 * libp2p implementation makes them: an ECDSA P-256 key (what go, rust and js use, and what every
 * peer verifies), valid from an hour ago (clock skew) for a hundred years, with only the libp2p
 * public-key extension, marked critical as rust and js mark it.
 *
 * <p>The key and certificate are the JDK's own objects (SunEC, SUN): the JDK's TLS signs with the
 * key, and names a BouncyCastle key's algorithm differently. The subject and issuer are {@code
 * SERIALNUMBER=<the serial number>}, as go writes them: not empty, which the JDK cannot parse.
 *
 * @param chain the certificates to present: the one certificate (tests make others)
 * @param key the first certificate's private key, which signs the TLS handshake
 */
public record CertifiedKey(List<X509Certificate> chain, java.security.PrivateKey key) {

  public CertifiedKey {
    chain = List.copyOf(chain);
  }

  /** Where a handshake gets its certificate: {@link #generate} outside tests. */
  @FunctionalInterface
  public interface Source {
    CertifiedKey certify(PrivateKey hostKey, Instant now);
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration BACKDATING = Duration.ofHours(1);
  private static final Duration LIFETIME = Duration.ofDays(36_500);
  /** ecdsa-with-SHA256, with no parameters (RFC 5758). */
  private static final AlgorithmIdentifier ECDSA_WITH_SHA256 =
      new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));

  /** A new key and certificate for {@code hostKey}, dated by {@code now}. */
  public static CertifiedKey generate(PrivateKey hostKey, Instant now) {
    try {
      // SunEC by name, whatever provider comes first: the JDK's TLS signs with this key.
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair pair = generator.generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
      X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.SERIALNUMBER, serial.toString()).build();
      V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
      tbs.setSerialNumber(new ASN1Integer(serial));
      tbs.setSignature(ECDSA_WITH_SHA256);
      tbs.setIssuer(name);
      tbs.setSubject(name);
      tbs.setStartDate(new Time(Date.from(now.minus(BACKDATING))));
      tbs.setEndDate(new Time(Date.from(now.plus(LIFETIME))));
      tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(spki));
      tbs.setExtensions(new Extensions(
          new Extension(SignedKey.OID, true, SignedKey.sign(hostKey, spki).encode())));
      TBSCertificate toBeSigned = tbs.generateTBSCertificate();
      Signature signer = Signature.getInstance("SHA256withECDSA", "SunEC");
      signer.initSign(pair.getPrivate(), RANDOM);
      signer.update(toBeSigned.getEncoded(ASN1Encoding.DER));
      ASN1EncodableVector certificateFields = new ASN1EncodableVector(3);
      certificateFields.add(toBeSigned);
      certificateFields.add(ECDSA_WITH_SHA256);
      certificateFields.add(new DERBitString(signer.sign()));
      byte[] der = new DERSequence(certificateFields).getEncoded(ASN1Encoding.DER);
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509", "SUN")
          .generateCertificate(new ByteArrayInputStream(der));
      return new CertifiedKey(List.of(certificate), pair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("every JDK 17+ makes P-256 keys and X.509 certificates", e);
    }
  }
}
