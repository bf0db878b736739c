package io.jlibp2p.core.security.tls;

import io.jlibp2p.core.security.SecurityHandshakeException;
import java.util.Objects;

/**
 * The remote's certificate broke a rule of the libp2p TLS handshake: the connection is closed
 * before any application byte is delivered. {@link #reason()} says which rule, the message says
 * how.
 */
public final class TlsCertificateException extends SecurityHandshakeException {

  /** Which rule the certificate broke. */
  public enum Reason {
    /** Not exactly one certificate: libp2p peers send one self-signed certificate. */
    CERTIFICATE_COUNT,
    /** Not a well-formed X.509 certificate. */
    MALFORMED_CERTIFICATE,
    /** It carries {@code issuerUniqueID} or {@code subjectUniqueID}, which the spec forbids. */
    UNIQUE_ID_PRESENT,
    /** Its {@code notBefore} is still to come. */
    NOT_YET_VALID,
    /** Its {@code notAfter} has passed. */
    EXPIRED,
    /** It is signed with an algorithm this implementation does not verify. */
    UNSUPPORTED_SIGNATURE_ALGORITHM,
    /** Its self-signature does not verify with its own key. */
    BAD_SELF_SIGNATURE,
    /** It marks critical an extension this implementation does not understand. */
    UNKNOWN_CRITICAL_EXTENSION,
    /** Its key usage extension does not allow the digital signatures that TLS needs of it. */
    KEY_USAGE_FORBIDS_SIGNING,
    /** It lacks the libp2p public-key extension. */
    MISSING_LIBP2P_EXTENSION,
    /** The libp2p public-key extension is not a well-formed {@code SignedKey} with a host key. */
    MALFORMED_LIBP2P_EXTENSION,
    /** The host key's signature of the certificate's key does not verify. */
    BAD_LIBP2P_SIGNATURE,
    /**
     * Its issuer name is empty, as js-libp2p's are, and the JDK's certificate parser refuses it
     * (the {@code /tls/1.0.0} channel's {@code EmptyNameCertificates.enable()} lets it through).
     */
    EMPTY_ISSUER_NAME
  }

  private final Reason reason;

  /** An exception for {@code reason}; the message is prefixed with the protocol ID. */
  public TlsCertificateException(Reason reason, String message) {
    super(Libp2pTls.PROTOCOL_ID + ": " + message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** An exception for {@code reason} that {@code cause} (a parser's failure, say) led to. */
  public TlsCertificateException(Reason reason, String message, Throwable cause) {
    super(Libp2pTls.PROTOCOL_ID + ": " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Which rule the certificate broke. */
  public Reason reason() {
    return reason;
  }
}
