package io.jlibp2p.core.security.tls.internal;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jlibp2p.crypto.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link CertificateCache}: one certificate per host key, renewed before it expires. */
class CertificateCacheTest {

  private final CertificateCache cache = new CertificateCache();
  private final PrivateKey hostKey = PrivateKey.generate();
  private final Instant now = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void theSameHostKeyGetsTheSameCertificate() {
    CertifiedKey first = cache.certify(hostKey, now);
    assertSame(first, cache.certify(hostKey, now.plus(Duration.ofDays(365))));
  }

  @Test
  void eachHostKeyGetsItsOwn() {
    CertifiedKey first = cache.certify(hostKey, now);
    PrivateKey other = PrivateKey.generate();
    CertifiedKey second = cache.certify(other, now);
    assertNotSame(first, second);
    assertSame(first, cache.certify(hostKey, now));
    assertSame(second, cache.certify(other, now));
  }

  @Test
  void pastItsBoundTheCacheStartsOver() {
    CertifiedKey first = cache.certify(hostKey, now);
    for (int i = 0; i < CertificateCache.MAX_KEYS; i++) {
      cache.certify(PrivateKey.generate(), now);
    }
    assertNotSame(first, cache.certify(hostKey, now));
  }

  @Test
  void aCertificateIsRenewedADayBeforeItExpiresOrWhenTheClockWentBack() {
    CertifiedKey first = cache.certify(hostKey, now);
    Instant expiry = first.chain().get(0).getNotAfter().toInstant();
    CertifiedKey renewed = cache.certify(hostKey, expiry.minus(Duration.ofHours(12)));
    assertNotSame(first, renewed);
    assertNotSame(renewed, cache.certify(hostKey, now.minus(Duration.ofDays(1))));
  }
}
