package io.jlibp2p.tls;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.security.tls.Libp2pTls;
import io.jlibp2p.core.security.tls.internal.CertificateCache;
import io.jlibp2p.tls.internal.TlsHandshake;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.util.Objects;

/**
 * The <a href="https://github.com/libp2p/specs/blob/master/tls/tls.md">libp2p TLS handshake</a>
 * ({@code /tls/1.0.0}): TLS 1.3 on the JDK's own {@code SSLEngine}, both sides authenticated by a
 * fresh self-signed certificate that carries their host key, and the stream muxer agreed in ALPN
 * so that no multistream round is spent on it.
 *
 * <pre>{@code
 * Host host = Host.builder()
 *     .secureChannel(TlsSecureChannel.create())
 *     .muxer(YamuxStreamMuxer.create())
 *     .transport(TcpTransport.builder().build())
 *     .build();
 * }</pre>
 *
 * <p>The certificate's key is ECDSA P-256, as go, rust and js make theirs; one certificate per host
 * key is made on first use and reused, as go does. A remote's certificate is checked by every
 * rule of the spec, each refusal a {@link io.jlibp2p.core.security.tls.TlsCertificateException}
 * saying which; a dialed peer that proves another identity fails with {@code
 * PeerIdMismatchException}.
 *
 * <p>js-libp2p's certificates have an empty issuer name, which the JDK's TLS refuses to parse
 * before any of this runs; see {@link EmptyNameCertificates} for the one JVM-wide switch that
 * accepts them. Thread-safe and shareable between hosts.
 */
public final class TlsSecureChannel implements SecureChannel {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = Libp2pTls.PROTOCOL_ID;

  static {
    // The first use of the JDK's TLS, and of Netty's SslHandler, reads JDK configuration files in
    // class initializers (net.properties, via a probe socket), and loads a few hundred classes.
    // Done here, on the thread that builds the host, not on an event loop, where the file reads
    // would block the loop (BlockHound catches them) and the loading would hold up the first peer.
    SslProvider.isTlsv13Supported(SslProvider.JDK);
    TlsHandshake.warmUp();
  }

  private final Clock clock;
  private final CertificateCache certificates = new CertificateCache();

  private TlsSecureChannel(Builder builder) {
    this.clock = builder.clock;
  }

  /** The secure channel with every default. */
  public static TlsSecureChannel create() {
    return builder().build();
  }

  /** A builder, for the few things that can be chosen. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Handshake handshake(HandshakeParameters parameters) {
    return new TlsHandshake(parameters, clock, certificates);
  }

  /** Builds a {@link TlsSecureChannel}. */
  public static final class Builder {

    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The clock that dates this side's certificates and checks the validity of the remote's
     * (default: the system clock, UTC). For tests.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The secure channel, immutable. */
    public TlsSecureChannel build() {
      return new TlsSecureChannel(this);
    }
  }
}
