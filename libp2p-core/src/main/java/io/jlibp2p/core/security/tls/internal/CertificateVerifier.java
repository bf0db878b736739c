package io.jlibp2p.core.security.tls.internal;

import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.core.security.tls.TlsCertificateException;
import io.jlibp2p.core.security.tls.TlsCertificateException.Reason;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.RSADigestSigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Checks a remote's certificate chain by the libp2p TLS spec, all of it, and returns the host key
 * it proves: exactly one certificate, well formed, with no unique IDs, valid now, correctly
 * self-signed, no critical extension it does not understand, and the libp2p public-key extension
 * with a valid signature of the certificate's key. No PKI: the peer ID is the identity.
 *
 * <p>Reads the DER with BouncyCastle's ASN.1 classes, not the JDK's certificate parser, so that a
 * certificate with an empty issuer (js-libp2p's) is read too, and verifies the self-signature with
 * BouncyCastle's signers, over the bytes as received.
 */
public final class CertificateVerifier {

  private static final ASN1ObjectIdentifier KEY_USAGE = Extension.keyUsage;
  private static final ASN1ObjectIdentifier BASIC_CONSTRAINTS = Extension.basicConstraints;
  private static final ASN1ObjectIdentifier EXTENDED_KEY_USAGE = Extension.extendedKeyUsage;

  /**
   * Critical extensions other implementations may set that restrict nothing a libp2p certificate
   * is used for (signing its own TLS handshake), so they are understood by being allowed.
   */
  private static final Set<ASN1ObjectIdentifier> UNDERSTOOD = Set.of(KEY_USAGE, BASIC_CONSTRAINTS, EXTENDED_KEY_USAGE);

  private static final String ECDSA_KEY = "1.2.840.10045.2.1";
  private static final String ED25519 = "1.3.101.112";
  private static final String RSA_KEY = "1.2.840.113549.1.1.1";

  /**
   * A self-signature algorithm: its name, the key algorithm it needs, whether its parameters must
   * be NULL (RSA) rather than absent, and a verifier. The verifiers are BouncyCastle's lightweight
   * ones, not the JDK's providers: on JDK 17 the JDK verifies ECDSA P-256 about ten times slower
   * (SunEC about 900 a second here, BouncyCastle about 10,000), and every handshake checks one.
   */
  private record SignatureAlgorithm(String name, String keyAlgorithm, boolean nullParameters, Supplier<Signer> verifier) {}

  private static final Map<String, SignatureAlgorithm> SIGNATURES = Map.of(
      "1.2.840.10045.4.3.2", new SignatureAlgorithm("SHA256withECDSA", ECDSA_KEY, false, () -> ecdsa(new SHA256Digest())),
      "1.2.840.10045.4.3.3", new SignatureAlgorithm("SHA384withECDSA", ECDSA_KEY, false, () -> ecdsa(new SHA384Digest())),
      "1.2.840.10045.4.3.4", new SignatureAlgorithm("SHA512withECDSA", ECDSA_KEY, false, () -> ecdsa(new SHA512Digest())),
      ED25519, new SignatureAlgorithm("Ed25519", ED25519, false, Ed25519Signer::new),
      "1.2.840.113549.1.1.11", new SignatureAlgorithm("SHA256withRSA", RSA_KEY, true, () -> new RSADigestSigner(new SHA256Digest())),
      "1.2.840.113549.1.1.12", new SignatureAlgorithm("SHA384withRSA", RSA_KEY, true, () -> new RSADigestSigner(new SHA384Digest())),
      "1.2.840.113549.1.1.13", new SignatureAlgorithm("SHA512withRSA", RSA_KEY, true, () -> new RSADigestSigner(new SHA512Digest())));

  private static Signer ecdsa(Digest digest) {
    // DER-encoded (r, s), as X.509 carries ECDSA signatures.
    return new DSADigestSigner(new ECDSASigner(), digest);
  }

  private CertificateVerifier() {}

  /**
   * The host key that {@code chain} (DER certificates, as received) proves at {@code now}.
   *
   * @throws TlsCertificateException naming the rule the chain breaks
   */
  public static PublicKey verify(List<byte[]> chain, Instant now) throws TlsCertificateException {
    if (chain.size() != 1) {
      throw new TlsCertificateException(
          Reason.CERTIFICATE_COUNT, "the remote sent " + chain.size() + " certificates; libp2p peers send exactly one");
    }
    byte[] der = chain.get(0);
    Certificate certificate = parse(der);
    TBSCertificate tbs = certificate.getTBSCertificate();
    DerSlices raw;
    try {
      raw = DerSlices.of(der);
    } catch (IllegalArgumentException e) {
      throw new TlsCertificateException(Reason.MALFORMED_CERTIFICATE, "the certificate is not DER: " + e.getMessage(), e);
    }
    if (tbs.getIssuerUniqueId() != null || tbs.getSubjectUniqueId() != null) {
      throw new TlsCertificateException(Reason.UNIQUE_ID_PRESENT, "the certificate carries an issuer or subject unique ID");
    }
    checkValidity(tbs, now);
    checkSelfSignature(certificate, raw);
    return hostKey(tbs, raw.spki());
  }

  private static Certificate parse(byte[] der) throws TlsCertificateException {
    try {
      return EmptyNames.allowedWhile(() -> {
        Certificate certificate = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
        // BouncyCastle reads the TBSCertificate, where the issuer is checked, on first use.
        certificate.getTBSCertificate();
        return certificate;
      });
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports malformed input as IOException or as one of several runtime
      // exceptions (IllegalArgumentException, ASN1ParsingException, ClassCastException inside
      // getInstance); all mean the same here.
      throw new TlsCertificateException(
          Reason.MALFORMED_CERTIFICATE, "the certificate is not a valid X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static void checkValidity(TBSCertificate tbs, Instant now) throws TlsCertificateException {
    Instant notBefore;
    Instant notAfter;
    try {
      notBefore = tbs.getStartDate().getDate().toInstant();
      notAfter = tbs.getEndDate().getDate().toInstant();
    } catch (RuntimeException e) {
      throw new TlsCertificateException(
          Reason.MALFORMED_CERTIFICATE, "the certificate's validity is not a valid time: " + e.getMessage(), e);
    }
    if (now.isBefore(notBefore)) {
      throw new TlsCertificateException(Reason.NOT_YET_VALID, "the certificate is not valid before " + notBefore);
    }
    if (now.isAfter(notAfter)) {
      throw new TlsCertificateException(Reason.EXPIRED, "the certificate expired at " + notAfter);
    }
  }

  private static void checkSelfSignature(Certificate certificate, DerSlices raw) throws TlsCertificateException {
    AlgorithmIdentifier algorithm = certificate.getSignatureAlgorithm();
    if (!algorithm.equals(certificate.getTBSCertificate().getSignature())) {
      throw new TlsCertificateException(
          Reason.MALFORMED_CERTIFICATE, "the certificate names two different signature algorithms");
    }
    String oid = algorithm.getAlgorithm().getId();
    SignatureAlgorithm known = SIGNATURES.get(oid);
    String keyOid = certificate.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId();
    if (known == null) {
      throw new TlsCertificateException(
          Reason.UNSUPPORTED_SIGNATURE_ALGORITHM, "the certificate is signed with an unsupported algorithm, OID " + oid);
    }
    ASN1Encodable parameters = algorithm.getParameters();
    boolean parametersOk = known.nullParameters()
        ? parameters == null || DERNull.INSTANCE.equals(parameters)
        : parameters == null;
    if (!parametersOk || !known.keyAlgorithm().equals(keyOid)) {
      throw new TlsCertificateException(
          Reason.BAD_SELF_SIGNATURE, "the certificate's signature algorithm " + known.name() + " does not fit its key");
    }
    boolean valid;
    try {
      // Decoding the key checks an EC point is on its curve.
      AsymmetricKeyParameter key = PublicKeyFactory.createKey(SubjectPublicKeyInfo.getInstance(raw.spki()));
      Signer verifier = known.verifier().get();
      verifier.init(false, key);
      verifier.update(raw.tbs(), 0, raw.tbs().length);
      valid = verifier.verifySignature(certificate.getSignature().getOctets());
    } catch (IOException | RuntimeException e) {
      // A key the provider cannot read (a point off the curve) or a signature it cannot parse.
      throw new TlsCertificateException(
          Reason.BAD_SELF_SIGNATURE, "the certificate's self-signature cannot be checked: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new TlsCertificateException(Reason.BAD_SELF_SIGNATURE, "the certificate's self-signature does not verify");
    }
  }

  private static PublicKey hostKey(TBSCertificate tbs, byte[] spki) throws TlsCertificateException {
    Extensions extensions;
    try {
      extensions = tbs.getExtensions();
    } catch (RuntimeException e) {
      throw new TlsCertificateException(
          Reason.MALFORMED_CERTIFICATE, "the certificate's extensions are malformed: " + e.getMessage(), e);
    }
    Extension libp2p = null;
    if (extensions != null) {
      for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
        Extension extension = extensions.getExtension(oid);
        if (oid.equals(SignedKey.OID)) {
          libp2p = extension;
        } else if (extension.isCritical() && !UNDERSTOOD.contains(oid)) {
          throw new TlsCertificateException(
              Reason.UNKNOWN_CRITICAL_EXTENSION, "the certificate has an unknown critical extension, OID " + oid.getId());
        }
      }
    }
    KeyUsage usage = KeyUsage.fromExtensions(extensions);
    if (usage != null && !usage.hasUsages(KeyUsage.digitalSignature)) {
      // The certificate's key signs the TLS handshake: a key usage that forbids it is a contradiction.
      throw new TlsCertificateException(
          Reason.KEY_USAGE_FORBIDS_SIGNING, "the certificate's key usage does not allow digital signatures");
    }
    if (libp2p == null) {
      throw new TlsCertificateException(
          Reason.MISSING_LIBP2P_EXTENSION, "the certificate lacks the libp2p public-key extension (" + SignedKey.OID + ")");
    }
    SignedKey signedKey;
    try {
      signedKey = SignedKey.decode(libp2p.getExtnValue().getOctets());
    } catch (DecodingException e) {
      throw new TlsCertificateException(Reason.MALFORMED_LIBP2P_EXTENSION, e.getMessage(), e);
    }
    return signedKey.verify(spki);
  }
}
