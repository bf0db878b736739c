package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.core.security.tls.Libp2pTls;
import io.jlibp2p.core.security.tls.internal.CertificateCheck;
import io.jlibp2p.core.security.tls.internal.CertificateKeyManager;
import io.jlibp2p.core.security.tls.internal.CertificateTrustManager;
import io.jlibp2p.core.security.tls.internal.CertifiedKey;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.AttributeKey;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;

/**
 * libp2p TLS inside QUIC for one host: the certificate that carries the host key, and the same
 * checks of the remote's as the {@code /tls/1.0.0} channel, with ALPN {@code libp2p} and both sides
 * authenticated. One BoringSSL context per role for all connections (a context per dial is what
 * leaked in jvm-libp2p); each connection's {@link CertificateCheck} is found by its engine, which
 * BoringSSL names when it asks the trust manager. BoringSSL's tasks run on the connection's own
 * event loop: no executor is shared between threads.
 */
public final class QuicTls {

  /** The peer a dial expects, set on the QUIC channel before its handshake starts. */
  public static final AttributeKey<PeerId> EXPECTED_PEER = AttributeKey.valueOf(QuicTls.class, "expectedPeer");

  /** The connection's check, which outlives the engine's entry for a failed dial to report. */
  private static final AttributeKey<CertificateCheck> CHECK = AttributeKey.valueOf(QuicTls.class, "check");

  private final PrivateKey identity;
  private final Clock clock;
  private final Map<SSLEngine, CertificateCheck> checks = new ConcurrentHashMap<>();
  private final QuicSslContext server;
  private final QuicSslContext client;

  public QuicTls(PrivateKey identity, Clock clock) {
    this.identity = identity;
    this.clock = clock;
    CertificateKeyManager keys = new CertificateKeyManager(CertifiedKey.generate(identity, clock.instant()));
    CertificateTrustManager trust = new CertificateTrustManager(checks::get);
    this.server = QuicSslContextBuilder.forServer(keys, null)
        .trustManager(trust)
        .clientAuth(ClientAuth.REQUIRE)
        .applicationProtocols(Libp2pTls.ALPN)
        .build();
    this.client = QuicSslContextBuilder.forClient()
        .keyManager(keys, null)
        .trustManager(trust)
        .applicationProtocols(Libp2pTls.ALPN)
        .build();
  }

  /** Makes each inbound connection's engine, for a server codec. */
  public Function<QuicChannel, QuicSslEngine> serverEngines() {
    return channel -> engine(channel, server.newEngine(channel.alloc()), Direction.INBOUND, Optional.empty());
  }

  /** Makes each dial's engine, for a client codec; the dial names its peer in {@link #EXPECTED_PEER}. */
  public Function<QuicChannel, QuicSslEngine> clientEngines() {
    return channel -> {
      // No host: a libp2p client sends no SNI (the peer ID is what is checked), and without a
      // host and port BoringSSL keeps no session to resume, so every handshake checks a certificate.
      QuicSslEngine engine = client.newEngine(channel.alloc());
      return engine(channel, engine, Direction.OUTBOUND, Optional.ofNullable(channel.attr(EXPECTED_PEER).get()));
    };
  }

  private QuicSslEngine engine(QuicChannel channel, QuicSslEngine engine, Direction direction, Optional<PeerId> expected) {
    CertificateCheck check = new CertificateCheck(new HandshakeParameters(identity, direction, expected), clock);
    checks.put(engine, check);
    channel.attr(CHECK).set(check);
    channel.closeFuture().addListener(closed -> checks.remove(engine));
    return engine;
  }

  /**
   * The session of {@code channel}'s completed handshake, naming {@code muxer}; its check is
   * done with then.
   *
   * @throws SecurityHandshakeException if the remote proved no key (a handshake that completed
   *     without its certificate)
   */
  public SecureSession session(QuicChannel channel, String muxer) throws SecurityHandshakeException {
    checks.remove(channel.sslEngine());
    CertificateCheck check = channel.attr(CHECK).get();
    PublicKey remote = check == null ? null : check.verified();
    if (remote == null) {
      throw new SecurityHandshakeException(
          Libp2pTls.PROTOCOL_ID + ": the QUIC handshake completed without the remote's certificate");
    }
    return new SecureSession(Libp2pTls.PROTOCOL_ID, PeerId.fromPublicKey(identity.publicKey()),
        PeerId.fromPublicKey(remote), remote, Optional.of(muxer));
  }

  /** Why {@code channel}'s handshake refused the remote's certificate, if it did. */
  public Optional<SecurityHandshakeException> rejection(QuicChannel channel) {
    CertificateCheck check = channel.attr(CHECK).get();
    return check == null ? Optional.empty() : Optional.ofNullable(check.rejection());
  }

  /** The host key the certificate proves. */
  public PrivateKey identity() {
    return identity;
  }
}
