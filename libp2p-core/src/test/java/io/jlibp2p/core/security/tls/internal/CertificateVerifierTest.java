package io.jlibp2p.core.security.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.core.security.tls.TlsCertificateException;
import io.jlibp2p.core.security.tls.TlsCertificateException.Reason;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CertificateVerifier} on the spec's test vectors, on the certificates {@link CertifiedKey}
 * makes, and on one spoiled certificate per rule, each refused for its own reason.
 */
class CertificateVerifierTest {

  private static final Instant NOW = Instant.now();

  // ------------------------------------------------------------------ the spec's test vectors

  @Test
  void specVectorOfAnEd25519PeerId() throws Exception {
    assertAuthenticates(SpecVectors.ED25519, "12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv");
  }

  @Test
  void specVectorOfAnEcdsaPeerId() throws Exception {
    assertAuthenticates(SpecVectors.ECDSA, "QmfXbAwNjJLXfesgztEHe8HwgVDCMMpZ9Eax1HYq6hn9uE");
  }

  @Test
  void specVectorOfASecp256k1PeerId() throws Exception {
    assertAuthenticates(SpecVectors.SECP256K1, "16Uiu2HAkutTMoTzDw1tCvSRtu6YoixJwS46S1ZFxW8hSx9fWHiPs");
  }

  @Test
  void specVectorWithAHostKeySignatureOfAnotherKeyIsRefused() {
    assertRefused(Reason.BAD_LIBP2P_SIGNATURE, List.of(HexFormat.of().parseHex(SpecVectors.INVALID)));
  }

  private static void assertAuthenticates(String hex, String peerId) throws Exception {
    assertEquals(peerId, PeerId.fromPublicKey(CertificateVerifier.verify(List.of(HexFormat.of().parseHex(hex)), NOW)).toString());
  }

  // ------------------------------------------------------------------------ our own certificates

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void generatedCertificatesProveTheirHostKey(KeyType type) throws Exception {
    PrivateKey hostKey = PrivateKey.generate(type);
    CertifiedKey certified = CertifiedKey.generate(hostKey, NOW);
    X509Certificate certificate = certified.chain().get(0);
    assertEquals(hostKey.publicKey(), CertificateVerifier.verify(List.of(certificate.getEncoded()), NOW));
    assertEquals("EC", certificate.getPublicKey().getAlgorithm());
    assertEquals("SHA256withECDSA", certificate.getSigAlgName());
    assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    assertEquals(certificate.getSerialNumber().toString(),
        IETFUtils.valueToString(subject.getRDNs(BCStyle.SERIALNUMBER)[0].getFirst().getValue()));
    assertEquals(List.of(SignedKey.OID.getId()), List.copyOf(certificate.getCriticalExtensionOIDs()));
    assertTrue(certificate.getNonCriticalExtensionOIDs() == null || certificate.getNonCriticalExtensionOIDs().isEmpty());
    assertEquals(NOW.minus(Duration.ofHours(1)).getEpochSecond(), certificate.getNotBefore().toInstant().getEpochSecond());
    assertEquals(NOW.plus(Duration.ofDays(36_500)).getEpochSecond(), certificate.getNotAfter().toInstant().getEpochSecond());
  }

  @Test
  void eachHandshakeGetsAFreshKeyAndSerialNumber() {
    PrivateKey hostKey = PrivateKey.generate();
    X509Certificate first = CertifiedKey.generate(hostKey, NOW).chain().get(0);
    X509Certificate second = CertifiedKey.generate(hostKey, NOW).chain().get(0);
    assertTrue(!first.getPublicKey().equals(second.getPublicKey()) && !first.getSerialNumber().equals(second.getSerialNumber()));
  }

  @Test
  void aCertificateAsJsLibp2pMakesItIsAccepted() throws Exception {
    // Empty issuer and subject, libp2p extension critical: what @libp2p/tls sends.
    TestCertificate js = new TestCertificate();
    js.name = X500Name.getInstance(new org.bouncycastle.asn1.DERSequence());
    assertEquals(js.hostKey.publicKey(), CertificateVerifier.verify(List.of(js.der()), NOW));
  }

  @Test
  void aNonCriticalLibp2pExtensionAsGoWritesItIsAccepted() throws Exception {
    TestCertificate go = new TestCertificate();
    go.libp2pCritical = false;
    assertEquals(go.hostKey.publicKey(), CertificateVerifier.verify(List.of(go.der()), NOW));
  }

  @Test
  void unknownNonCriticalAndUnderstoodCriticalExtensionsAreAccepted() throws Exception {
    TestCertificate certificate = new TestCertificate();
    certificate.otherExtensions.add(TestCertificate.unknownExtension(false));
    certificate.otherExtensions.add(new Extension(Extension.basicConstraints, true, new BasicConstraints(false).getEncoded()));
    assertEquals(certificate.hostKey.publicKey(), CertificateVerifier.verify(List.of(certificate.der()), NOW));
  }

  @Test
  void anRsaCertificateKeyIsAccepted() throws Exception {
    // SHOULD NOT be used, but a peer may.
    TestCertificate rsa = new TestCertificate();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    rsa.certificateKey = generator.generateKeyPair();
    rsa.signingKey = rsa.certificateKey;
    rsa.signatureAlgorithm = "SHA256withRSA";
    rsa.libp2pExtension = SignedKey.sign(rsa.hostKey, rsa.certificateKey.getPublic().getEncoded()).encode();
    assertEquals(rsa.hostKey.publicKey(), CertificateVerifier.verify(List.of(rsa.der()), NOW));
  }

  // ------------------------------------------------------------------ one broken rule at a time

  @Test
  void noCertificateOrTwoAreRefused() {
    assertRefused(Reason.CERTIFICATE_COUNT, List.of());
    byte[] one = new TestCertificate().der();
    assertEquals("/tls/1.0.0: the remote sent 2 certificates; libp2p peers send exactly one",
        assertRefused(Reason.CERTIFICATE_COUNT, List.of(one, new TestCertificate().der())).getMessage());
  }

  @Test
  void bytesThatAreNoCertificateAreRefused() {
    assertRefused(Reason.MALFORMED_CERTIFICATE, List.of(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
    assertRefused(Reason.MALFORMED_CERTIFICATE, List.of(new byte[] {0x30, (byte) 0x84, 0x7f, 0, 0, 0}));
    byte[] good = new TestCertificate().der();
    assertRefused(Reason.MALFORMED_CERTIFICATE, List.of(java.util.Arrays.copyOf(good, good.length + 1)));
  }

  @Test
  void aCertificateNotYetValidIsRefused() {
    TestCertificate early = new TestCertificate();
    early.notBefore = NOW.plus(Duration.ofMinutes(5));
    assertTrue(assertRefused(Reason.NOT_YET_VALID, early).getMessage().contains("not valid before"));
  }

  @Test
  void anExpiredCertificateIsRefused() {
    TestCertificate late = new TestCertificate();
    late.notBefore = NOW.minus(Duration.ofDays(2));
    late.notAfter = NOW.minus(Duration.ofMinutes(5));
    assertTrue(assertRefused(Reason.EXPIRED, late).getMessage().contains("expired at"));
  }

  @Test
  void aCertificateSignedByAnotherKeyIsRefused() {
    TestCertificate forged = new TestCertificate();
    forged.signingKey = TestCertificate.ecKey();
    assertEquals("/tls/1.0.0: the certificate's self-signature does not verify",
        assertRefused(Reason.BAD_SELF_SIGNATURE, forged).getMessage());
  }

  @Test
  void anUnsupportedSignatureAlgorithmIsRefused() {
    TestCertificate sha1 = new TestCertificate();
    sha1.signatureAlgorithm = "SHA1withECDSA";
    assertRefused(Reason.UNSUPPORTED_SIGNATURE_ALGORITHM, sha1);
  }

  @Test
  void aCertificateWithoutTheLibp2pExtensionIsRefused() {
    TestCertificate plain = new TestCertificate();
    plain.libp2pExtension = null;
    assertEquals("/tls/1.0.0: the certificate lacks the libp2p public-key extension (1.3.6.1.4.1.53594.1.1)",
        assertRefused(Reason.MISSING_LIBP2P_EXTENSION, plain).getMessage());
  }

  @Test
  void aHostKeySignatureOfAnotherCertificateKeyIsRefused() {
    TestCertificate replayed = new TestCertificate();
    replayed.libp2pExtension = SignedKey.sign(replayed.hostKey, TestCertificate.ecKey().getPublic().getEncoded()).encode();
    assertEquals("/tls/1.0.0: the host key's signature of the certificate's key does not verify",
        assertRefused(Reason.BAD_LIBP2P_SIGNATURE, replayed).getMessage());
  }

  @Test
  void aMalformedLibp2pExtensionIsRefused() {
    TestCertificate garbage = new TestCertificate();
    garbage.libp2pExtension = new byte[] {0x04, 0x01, 0x00};
    assertRefused(Reason.MALFORMED_LIBP2P_EXTENSION, garbage);
    TestCertificate badKey = new TestCertificate();
    badKey.libp2pExtension = new SignedKey(new byte[] {1, 2, 3}, new byte[64]).encode();
    assertTrue(assertRefused(Reason.MALFORMED_LIBP2P_EXTENSION, badKey).getMessage().contains("not a libp2p public key"));
  }

  @Test
  void anUnknownCriticalExtensionIsRefused() {
    TestCertificate strange = new TestCertificate();
    strange.otherExtensions.add(TestCertificate.unknownExtension(true));
    assertEquals("/tls/1.0.0: the certificate has an unknown critical extension, OID 1.3.6.1.4.1.99999.1",
        assertRefused(Reason.UNKNOWN_CRITICAL_EXTENSION, strange).getMessage());
  }

  @Test
  void twoLibp2pExtensionsAreRefused() {
    TestCertificate twice = new TestCertificate();
    twice.otherExtensions.add(new Extension(SignedKey.OID, false, new org.bouncycastle.asn1.DEROctetString(twice.libp2pExtension)));
    assertRefused(Reason.MALFORMED_CERTIFICATE, twice);
  }

  @Test
  void aKeyUsageWithoutDigitalSignaturesIsRefused() throws IOException {
    TestCertificate encryptOnly = new TestCertificate();
    encryptOnly.otherExtensions.add(new Extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyAgreement).getEncoded()));
    assertRefused(Reason.KEY_USAGE_FORBIDS_SIGNING, encryptOnly);
    TestCertificate signing = new TestCertificate();
    signing.otherExtensions.add(new Extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature).getEncoded()));
    assertEquals(signing.hostKey.publicKey(), CertificateVerifier.verify(List.of(signing.der()), NOW));
  }

  @Test
  void uniqueIdsAreRefused() {
    TestCertificate old = new TestCertificate();
    old.uniqueIds = true;
    assertRefused(Reason.UNIQUE_ID_PRESENT, old);
  }

  @Test
  void signedKeyRoundTrips() throws IOException {
    SignedKey key = new SignedKey(new byte[] {1, 2}, new byte[] {3});
    assertEquals(key, SignedKey.decode(key.encode()));
    assertArrayEquals(HexFormat.of().parseHex("30070402010204010" + "3"), key.encode());
  }

  private static TlsCertificateException assertRefused(Reason reason, TestCertificate certificate) {
    return assertRefused(reason, List.of(certificate.der()));
  }

  private static TlsCertificateException assertRefused(Reason reason, List<byte[]> chain) {
    TlsCertificateException e = assertThrows(TlsCertificateException.class, () -> CertificateVerifier.verify(chain, NOW));
    assertEquals(reason, e.reason(), e.getMessage());
    return e;
  }
}
