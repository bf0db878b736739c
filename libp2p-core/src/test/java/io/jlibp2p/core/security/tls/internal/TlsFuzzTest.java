package io.jlibp2p.core.security.tls.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.testing.DecodingAssertions;
import io.jlibp2p.core.security.tls.TlsCertificateException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Jazzer fuzz targets for what libp2p TLS reads from a stranger before trusting anything: the
 * libp2p public-key extension and the whole certificate. Each checks properties of the verdict:
 *
 * <ul>
 *   <li>{@link #signedKey}: {@link SignedKey#decode} rejects with a {@link DecodingException} and
 *       a message; what it accepts re-encodes (as DER) to a value that decodes to itself;
 *   <li>{@link #certificate}: {@link CertificateVerifier#verify} refuses with a {@link
 *       TlsCertificateException} (its reason named) and a message; a certificate it accepts
 *       carries the libp2p extension, whose host key is the one returned and whose peer ID derives,
 *       and a second verification gives the same key.
 * </ul>
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/core/security/tls/internal/TlsFuzzTestInputs/<method>/}: the spec's four test
 * certificates, certificates this module made for each key type, and their extension values. To
 * fuzz one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-core -Ddocs.phase=none -Dtest='TlsFuzzTest#certificate'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input.
 */
class TlsFuzzTest {

  /** A fixed "now" inside the validity of every seed, so that a run is deterministic. */
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @FuzzTest(maxDuration = "60s")
  void signedKey(byte[] input) {
    Optional<SignedKey> decoded = DecodingAssertions.decodesOrRejectsCleanly(
        List.of(DecodingException.class), () -> HexFormat.of().formatHex(input), () -> SignedKey.decode(input));
    if (decoded.isPresent()) {
      SignedKey key = decoded.get();
      assertEquals(key, SignedKey.decode(key.encode()));
    }
  }

  @FuzzTest(maxDuration = "60s")
  void certificate(byte[] input) throws Exception {
    Optional<PublicKey> verified = DecodingAssertions.decodesOrRejectsCleanly(
        List.of(TlsCertificateException.class), () -> HexFormat.of().formatHex(input),
        () -> CertificateVerifier.verify(List.of(input), NOW));
    if (verified.isEmpty()) {
      return;
    }
    PublicKey hostKey = verified.get();
    Certificate certificate = EmptyNames.allowedWhile(() -> Certificate.getInstance(ASN1Primitive.fromByteArray(input)));
    Extension extension = certificate.getTBSCertificate().getExtensions().getExtension(SignedKey.OID);
    assertNotNull(extension, "accepted without the libp2p extension");
    SignedKey signed = SignedKey.decode(extension.getExtnValue().getOctets());
    assertEquals(hostKey, signed.verify(certificate.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER)));
    assertFalse(PeerId.fromPublicKey(hostKey).toString().isEmpty());
    assertEquals(hostKey, CertificateVerifier.verify(List.of(input), NOW));
  }
}
