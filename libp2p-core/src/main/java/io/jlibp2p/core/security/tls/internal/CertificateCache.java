package io.jlibp2p.core.security.tls.internal;

import io.jlibp2p.crypto.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One certificate per host key, made on first use and reused by every handshake after, as go
 * does (the spec allows either): making one costs a key pair and two signatures on the event loop,
 * a quarter of a handshake's work. A new one is made a day before the current one expires (in a
 * hundred years) or if the clock has gone back before it began. A host has one key; the cache
 * holds a few, for a secure channel shared between hosts, and starts over past {@value #MAX_KEYS}.
 */
public final class CertificateCache implements CertifiedKey.Source {

  static final int MAX_KEYS = 16;

  private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(1);

  private final Map<PrivateKey, CertifiedKey> byHostKey = new ConcurrentHashMap<>();

  @Override
  public CertifiedKey certify(PrivateKey hostKey, Instant now) {
    CertifiedKey cached = byHostKey.get(hostKey);
    if (cached != null && usable(cached, now)) {
      return cached;
    }
    // Two handshakes racing here both make one, and the last stays: harmless.
    CertifiedKey made = CertifiedKey.generate(hostKey, now);
    if (byHostKey.size() >= MAX_KEYS) {
      byHostKey.clear();
    }
    byHostKey.put(hostKey, made);
    return made;
  }

  private static boolean usable(CertifiedKey certified, Instant now) {
    X509Certificate certificate = certified.chain().get(0);
    return !now.isBefore(certificate.getNotBefore().toInstant())
        && now.isBefore(certificate.getNotAfter().toInstant().minus(RENEW_BEFORE_EXPIRY));
  }
}
