package io.jlibp2p.tls.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.core.security.tls.Libp2pTls;
import io.jlibp2p.core.security.tls.TlsCertificateException.Reason;
import io.jlibp2p.core.security.tls.TlsCertificateException;
import io.jlibp2p.core.security.tls.internal.CertificateCache;
import io.jlibp2p.core.security.tls.internal.CertificateCheck;
import io.jlibp2p.core.security.tls.internal.CertificateKeyManager;
import io.jlibp2p.core.security.tls.internal.CertificateTrustManager;
import io.jlibp2p.core.security.tls.internal.CertifiedKey;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.tls.EmptyNameCertificates;
import io.jlibp2p.tls.TlsSecureChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * One connection's libp2p TLS handshake: a Netty {@link SslHandler} around the JDK's TLS 1.3
 * {@link SSLEngine}, with the host key's certificate, mutual authentication, the
 * peer checked by {@link CertificateCheck}, and the muxer agreed in ALPN.
 *
 * <p>ALPN offers this side's muxers in preference order, then {@code "libp2p"}. The server takes
 * the first protocol of the client's list that it supports, as js-libp2p does, and refuses the
 * handshake when there is none (the spec's rule); a muxer agreed that way is the session's, and
 * the upgrader skips the muxer's multistream round. {@code "libp2p"}, or a client that sends no
 * ALPN at all, leaves the muxer to multistream.
 *
 * <p>{@link #handler()} replaces itself with the {@code SslHandler}, which stays in the pipeline
 * for the life of the connection, followed by a {@link TlsOutcomeHandler}. The session completes
 * on the handshake's completion event, which the {@code SslHandler} fires before it passes on
 * any application byte.
 */
public final class TlsHandshake implements SecureChannel.Handshake {

  /** The ALPN protocol that says "negotiate the muxer with multistream". */
  public static final String LIBP2P_ALPN = Libp2pTls.ALPN;

  private static final String TLS_1_3 = "TLSv1.3";

  private final HandshakeParameters parameters;
  private final Clock clock;
  private final CertifiedKey.Source certificates;
  private final CompletableFuture<SecureSession> session = new CompletableFuture<>();
  /** Set when the handshake starts, on the event loop, which alone reads it. */
  private TlsOutcomeHandler outcome;

  /** A handshake that presents what {@code certificates} makes (tests make bad ones). */
  public TlsHandshake(HandshakeParameters parameters, Clock clock, CertifiedKey.Source certificates) {
    this.parameters = parameters;
    this.clock = clock;
    this.certificates = certificates;
  }

  /**
   * Runs the JDK's TLS once, up to a ClientHello, and makes a certificate, so that their classes
   * are loaded: see {@code TlsSecureChannel}'s static initializer. A JDK without TLS 1.3 fails
   * here too, and every handshake reports it later.
   */
  public static void warmUp() {
    try {
      SSLContext context = jdkTls();
      context.init(null, null, null);
      SSLEngine engine = context.createSSLEngine();
      engine.setUseClientMode(true);
      engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
      // And a certificate, thrown away: the key generation and BouncyCastle's builder load too.
      CertifiedKey.generate(PrivateKey.generate(), Instant.now());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      // Nothing to warm: each handshake fails with "cannot set up TLS 1.3 on this JDK".
    }
  }

  @Override
  public ChannelHandler handler() {
    return new ChannelHandlerAdapter() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        start(ctx);
      }
    };
  }

  @Override
  public CompletableFuture<SecureSession> session() {
    return session;
  }

  private void start(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    // Whatever else happens, a connection that closes ends the handshake (fail does nothing once
    // it has ended): nothing waits on a session that can no longer come.
    channel.closeFuture().addListener(closed -> fail(channel, closedDuringTheHandshake(null)));
    CertificateCheck trust = new CertificateCheck(parameters, clock);
    SSLEngine engine;
    try {
      engine = engine(trust);
    } catch (GeneralSecurityException | RuntimeException e) {
      fail(channel, new SecurityHandshakeException(
          TlsSecureChannel.PROTOCOL_ID + ": cannot set up TLS 1.3 on this JDK: " + e.getMessage(), e));
      ctx.pipeline().remove(ctx.handler());
      return;
    }
    SslHandler tls = new SslHandler(engine);
    // The upgrader times the whole handshake; a second, shorter clock here would race it.
    tls.setHandshakeTimeoutMillis(0);
    TlsOutcomeHandler outcome = new TlsOutcomeHandler(new TlsOutcomeHandler.Outcome() {
      @Override
      public void completed() {
        finish(channel, engine, trust);
      }

      @Override
      public void failed(Throwable cause) {
        fail(channel, failure(trust, cause));
      }
    });
    this.outcome = outcome;
    // A failure the SslHandler reports without its event (one before the handshake started).
    tls.handshakeFuture().addListener(done -> {
      if (!done.isSuccess()) {
        fail(channel, failure(trust, done.cause()));
      }
    });
    ChannelPipeline pipeline = ctx.pipeline();
    String name = ctx.name();
    pipeline.addAfter(name, name + "-outcome", outcome);
    pipeline.replace(ctx.handler(), name, tls);
  }

  private SSLEngine engine(CertificateCheck trust) throws GeneralSecurityException {
    CertifiedKey certified = certificates.certify(parameters.localKey(), clock.instant());
    // A context per connection: no session is ever resumed, so every handshake checks a certificate.
    SSLContext context = jdkTls();
    context.init(new KeyManager[] {new CertificateKeyManager(certified)}, new TrustManager[] {CertificateTrustManager.of(trust)}, null);
    // No host name: a libp2p client sends no SNI.
    SSLEngine engine = context.createSSLEngine();
    boolean client = parameters.direction() == Direction.OUTBOUND;
    engine.setUseClientMode(client);
    SSLParameters tls = engine.getSSLParameters();
    tls.setProtocols(new String[] {TLS_1_3});
    tls.setEndpointIdentificationAlgorithm(null);
    List<String> alpn = new ArrayList<>(parameters.muxers());
    alpn.add(LIBP2P_ALPN);
    tls.setApplicationProtocols(alpn.toArray(String[]::new));
    if (!client) {
      tls.setNeedClientAuth(true);
    }
    engine.setSSLParameters(tls);
    if (!client) {
      engine.setHandshakeApplicationProtocolSelector((e, offered) -> select(offered));
    }
    return engine;
  }

  /**
   * A TLS 1.3 context of the JDK's own TLS, by name: an application that put another provider
   * first (BouncyCastle's JSSE, Conscrypt) would otherwise swap it in behind this code's back.
   */
  private static SSLContext jdkTls() throws GeneralSecurityException {
    return SSLContext.getInstance(TLS_1_3, "SunJSSE");
  }

  /** The server's ALPN choice: the client's first muxer that this side has, else "libp2p". */
  private String select(List<String> offered) {
    for (String protocol : offered) {
      if (parameters.muxers().contains(protocol)) {
        return protocol;
      }
    }
    // Null refuses the handshake with no_application_protocol, as the spec asks when nothing fits.
    return offered.contains(LIBP2P_ALPN) ? LIBP2P_ALPN : null;
  }

  private void finish(Channel channel, SSLEngine engine, CertificateCheck trust) {
    if (session.isDone()) {
      return;
    }
    PublicKey remoteKey = trust.verified();
    if (remoteKey == null) {
      fail(channel, new SecurityHandshakeException(
          TlsSecureChannel.PROTOCOL_ID + ": the handshake completed without the remote's certificate"));
      return;
    }
    if (parameters.direction() == Direction.OUTBOUND && engine.getSession().getLocalCertificates() == null) {
      fail(channel, new SecurityHandshakeException(TlsSecureChannel.PROTOCOL_ID
          + ": the server did not ask for this side's certificate; libp2p TLS authenticates both sides"));
      return;
    }
    String alpn = engine.getApplicationProtocol();
    Optional<String> muxer = Optional.empty();
    if (alpn != null && !alpn.isEmpty() && !LIBP2P_ALPN.equals(alpn)) {
      if (!parameters.muxers().contains(alpn)) {
        fail(channel, new SecurityHandshakeException(
            TlsSecureChannel.PROTOCOL_ID + ": the remote chose the muxer " + alpn + ", which this side did not offer"));
        return;
      }
      muxer = Optional.of(alpn);
    }
    outcome.secured();
    session.complete(new SecureSession(
        TlsSecureChannel.PROTOCOL_ID, parameters.localPeer(), PeerId.fromPublicKey(remoteKey), remoteKey, muxer));
  }

  private void fail(Channel channel, SecurityHandshakeException failure) {
    if (session.completeExceptionally(failure)) {
      // A task later, not from inside the SslHandler's report: an EmbeddedChannel (the fuzz
      // targets') tears its pipeline down as it closes, before the SslHandler fires its exception
      // to TlsOutcomeHandler.
      channel.eventLoop().execute(channel::close);
    }
  }

  private static SecurityHandshakeException closedDuringTheHandshake(Throwable cause) {
    return new SecurityHandshakeException(TlsSecureChannel.PROTOCOL_ID + ": connection closed during the handshake", cause);
  }

  /** Our own reason when the certificate was refused here; otherwise the JDK's, made specific. */
  private static SecurityHandshakeException failure(CertificateCheck trust, Throwable cause) {
    if (trust.rejection() != null) {
      return trust.rejection();
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ClosedChannelException) {
        return closedDuringTheHandshake(cause);
      }
      if (EmptyNameCertificateFactory.refusesAnEmptyIssuer(t) && !EmptyNameCertificates.isEnabled()) {
        return new TlsCertificateException(Reason.EMPTY_ISSUER_NAME,
            "the remote's certificate has an empty issuer name, as js-libp2p's do, which the JDK's certificate parser"
                + " refuses; call EmptyNameCertificates.enable() once at startup to accept such certificates", cause);
      }
    }
    return new SecurityHandshakeException(
        TlsSecureChannel.PROTOCOL_ID + ": TLS handshake failed: " + cause.getMessage(), cause);
  }
}
