package io.jlibp2p.core.security.tls;

/**
 * The names libp2p's TLS authentication goes by, shared by everything that runs it: the {@code
 * /tls/1.0.0} secure channel over a stream transport, and QUIC, whose handshake is the same TLS
 * 1.3 with the same certificates. The certificate code itself is in this package's {@code
 * internal} subpackage, for those modules only.
 */
public final class Libp2pTls {

  /** The secure channel's protocol ID, also what a QUIC connection reports as its security. */
  public static final String PROTOCOL_ID = "/tls/1.0.0";

  /**
   * The ALPN protocol of a libp2p TLS handshake that settles no muxer: the only one QUIC offers,
   * and the last one the {@code /tls/1.0.0} channel offers after its muxers.
   */
  public static final String ALPN = "libp2p";

  private Libp2pTls() {}
}
