package io.jlibp2p.tls.internal;

import io.jlibp2p.crypto.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * One certificate per host key, made on first use and reused by every handshake after, as go
 * does (the spec allows either): making one costs a key pair and two signatures on the event loop,
 * a quarter of a handshake's work. A new one is made for another host key, and a day before the
 * current one expires (in a hundred years) or if the clock has gone back before it began.
 */
public final class CertificateCache implements CertifiedKey.Source {

  private static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(1);

  private record Entry(PrivateKey hostKey, CertifiedKey certified) {}

  private volatile Entry current;

  @Override
  public CertifiedKey certify(PrivateKey hostKey, Instant now) {
    Entry entry = current;
    if (entry != null && entry.hostKey().equals(hostKey) && usable(entry.certified(), now)) {
      return entry.certified();
    }
    // Two handshakes racing here both make one, and the last stays: harmless.
    CertifiedKey made = CertifiedKey.generate(hostKey, now);
    current = new Entry(hostKey, made);
    return made;
  }

  private static boolean usable(CertifiedKey certified, Instant now) {
    X509Certificate certificate = certified.chain().get(0);
    return !now.isBefore(certificate.getNotBefore().toInstant())
        && now.isBefore(certificate.getNotAfter().toInstant().minus(RENEW_BEFORE_EXPIRY));
  }
}
