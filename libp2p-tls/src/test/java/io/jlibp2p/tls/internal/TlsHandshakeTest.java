package io.jlibp2p.tls.internal;

import io.jlibp2p.core.security.tls.internal.CertificateCheck;
import io.jlibp2p.core.security.tls.internal.CertificateKeyManager;
import io.jlibp2p.core.security.tls.internal.CertificateTrustManager;
import io.jlibp2p.core.security.tls.internal.CertifiedKey;
import io.jlibp2p.core.security.tls.internal.SignedKey;
import io.jlibp2p.core.security.tls.internal.TestCertificate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.core.security.tls.TlsCertificateException.Reason;
import io.jlibp2p.core.security.tls.TlsCertificateException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.tls.EmptyNameCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole TLS handshakes between two {@code EmbeddedChannel}s ({@link TlsPair}): the muxer agreed in ALPN, and every
 * way a peer can fail the spec refused with its own exception, the connection closed, and no
 * application byte delivered. Leaks fail the class (libp2p-testing's leak detection).
 */
class TlsHandshakeTest {

  private static final String YAMUX = "/yamux/1.0.0";
  private static final String MPLEX = "/mplex/6.7.0";

  private final PrivateKey clientKey = PrivateKey.generate();
  private final PrivateKey serverKey = PrivateKey.generate();

  /** A finished handshake: the pair and each side's outcome. */
  private record Outcome(TlsPair pair, CompletableFuture<SecureSession> client, CompletableFuture<SecureSession> server) {}

  private Outcome handshake(List<String> clientMuxers, List<String> serverMuxers, Optional<PeerId> expected,
      CertifiedKey.Source clientCertificates, CertifiedKey.Source serverCertificates) {
    TlsHandshake client = TlsPair.handshake(
        new HandshakeParameters(clientKey, Direction.OUTBOUND, expected, clientMuxers), clientCertificates);
    TlsHandshake server = TlsPair.handshake(
        new HandshakeParameters(serverKey, Direction.INBOUND, Optional.empty(), serverMuxers), serverCertificates);
    TlsPair pair = new TlsPair(client.handler(), server.handler());
    pair.greetWhenSecured(client.session(), pair.client);
    pair.greetWhenSecured(server.session(), pair.server);
    pair.run();
    return new Outcome(pair, client.session(), server.session());
  }

  private Outcome handshake(List<String> clientMuxers, List<String> serverMuxers) {
    return handshake(clientMuxers, serverMuxers, Optional.of(PeerId.fromPublicKey(serverKey.publicKey())),
        CertifiedKey::generate, CertifiedKey::generate);
  }

  // ----------------------------------------------------------------------------------- success

  @Test
  void bothSidesAuthenticateAndAgreeOnTheClientsFirstSharedMuxer() {
    Outcome outcome = handshake(List.of(YAMUX, MPLEX), List.of(MPLEX, YAMUX));
    try (TlsPair pair = outcome.pair()) {
      SecureSession atClient = outcome.client().join();
      SecureSession atServer = outcome.server().join();
      assertEquals("/tls/1.0.0", atClient.protocolId());
      assertEquals(PeerId.fromPublicKey(serverKey.publicKey()), atClient.remotePeer());
      assertEquals(clientKey.publicKey(), atServer.remotePublicKey());
      assertEquals(Optional.of(YAMUX), atClient.muxer());
      assertEquals(Optional.of(YAMUX), atServer.muxer());
      assertArrayEquals(TlsPair.GREETING, pair.atServer.messages.get(0));
      assertArrayEquals(TlsPair.GREETING, pair.atClient.messages.get(0));
    }
  }

  @Test
  void noSharedMuxerLeavesTheMuxerToMultistream() {
    Outcome outcome = handshake(List.of(YAMUX), List.of(MPLEX));
    try (TlsPair pair = outcome.pair()) {
      assertEquals(Optional.empty(), outcome.client().join().muxer());
      assertEquals(Optional.empty(), outcome.server().join().muxer());
    }
  }

  @Test
  void noMuxersOfferedLeavesTheMuxerToMultistream() {
    Outcome outcome = handshake(List.of(), List.of(YAMUX));
    try (TlsPair pair = outcome.pair()) {
      assertEquals(Optional.empty(), outcome.client().join().muxer());
      assertEquals(Optional.empty(), outcome.server().join().muxer());
    }
  }

  // ----------------------------------------------------------------------------------- refusals

  @Test
  void aServerWithAnotherPeerIdIsRefusedByTheClient() {
    PeerId dialed = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    Outcome outcome = handshake(List.of(YAMUX), List.of(YAMUX), Optional.of(dialed), CertifiedKey::generate,
        CertifiedKey::generate);
    try (TlsPair pair = outcome.pair()) {
      PeerIdMismatchException e = assertInstanceOf(PeerIdMismatchException.class, failure(outcome.client()));
      assertEquals(dialed, e.expected());
      assertRefusedCleanly(outcome, pair);
    }
  }

  /** Each spoiled certificate, and why it must be refused. */
  static Stream<Arguments> badCertificates() {
    return Stream.of(
        Arguments.of(Reason.EXPIRED, (Consumer<TestCertificate>) c -> {
          c.notBefore = Instant.now().minus(Duration.ofDays(2));
          c.notAfter = Instant.now().minus(Duration.ofDays(1));
        }),
        Arguments.of(Reason.NOT_YET_VALID, (Consumer<TestCertificate>) c -> c.notBefore = Instant.now().plus(Duration.ofDays(1))),
        Arguments.of(Reason.MISSING_LIBP2P_EXTENSION, (Consumer<TestCertificate>) c -> c.libp2pExtension = null),
        Arguments.of(Reason.BAD_LIBP2P_SIGNATURE, (Consumer<TestCertificate>) c ->
            c.libp2pExtension = SignedKey.sign(c.hostKey, TestCertificate.ecKey().getPublic().getEncoded()).encode()),
        Arguments.of(Reason.UNKNOWN_CRITICAL_EXTENSION, (Consumer<TestCertificate>) c ->
            c.otherExtensions.add(TestCertificate.unknownExtension(true))));
  }

  @ParameterizedTest
  @MethodSource("badCertificates")
  void aServerWithABadCertificateIsRefused(Reason reason, Consumer<TestCertificate> spoil) {
    Outcome outcome = handshake(List.of(YAMUX), List.of(YAMUX), Optional.empty(), CertifiedKey::generate,
        (hostKey, now) -> spoiled(hostKey, spoil));
    try (TlsPair pair = outcome.pair()) {
      assertEquals(reason, assertInstanceOf(TlsCertificateException.class, failure(outcome.client())).reason());
      assertRefusedCleanly(outcome, pair);
    }
  }

  @ParameterizedTest
  @MethodSource("badCertificates")
  void aClientWithABadCertificateIsRefused(Reason reason, Consumer<TestCertificate> spoil) {
    Outcome outcome = handshake(List.of(YAMUX), List.of(YAMUX), Optional.empty(),
        (hostKey, now) -> spoiled(hostKey, spoil), CertifiedKey::generate);
    try (TlsPair pair = outcome.pair()) {
      assertEquals(reason, assertInstanceOf(TlsCertificateException.class, failure(outcome.server())).reason());
      // TLS 1.3 lets the client finish, and greet, before the server has checked its certificate.
      assertTrue(pair.atServer.messages.isEmpty(), "the server delivered bytes of a refused client");
      assertFalse(pair.server.isOpen());
      assertFalse(pair.client.isOpen());
    }
  }

  @Test
  void aServerSendingTwoCertificatesIsRefused() {
    Outcome outcome = handshake(List.of(YAMUX), List.of(YAMUX), Optional.empty(), CertifiedKey::generate,
        (hostKey, now) -> {
          TestCertificate first = new TestCertificate(hostKey);
          X509Certificate second = new TestCertificate().certified().chain().get(0);
          return new CertifiedKey(List.of(first.certified().chain().get(0), second), first.certificateKey.getPrivate());
        });
    try (TlsPair pair = outcome.pair()) {
      assertEquals(Reason.CERTIFICATE_COUNT,
          assertInstanceOf(TlsCertificateException.class, failure(outcome.client())).reason());
      assertRefusedCleanly(outcome, pair);
    }
  }

  @Test
  void aCertificateWithAnEmptyIssuerNeedsTheSwitch() {
    assumeFalse(EmptyNameCertificates.isEnabled(), "another test of this JVM turned the switch on");
    Outcome outcome = handshake(List.of(YAMUX), List.of(YAMUX), Optional.empty(), CertifiedKey::generate,
        (hostKey, now) -> spoiled(hostKey, c -> c.name = X500Name.getInstance(new DERSequence())));
    try (TlsPair pair = outcome.pair()) {
      TlsCertificateException e = assertInstanceOf(TlsCertificateException.class, failure(outcome.client()));
      assertEquals(Reason.EMPTY_ISSUER_NAME, e.reason());
      assertTrue(e.getMessage().contains("EmptyNameCertificates.enable()"), e.getMessage());
      assertRefusedCleanly(outcome, pair);
    }
  }

  @Test
  void aServerThatDoesNotAskForTheClientsCertificateIsRefused() throws Exception {
    TlsHandshake client = TlsPair.handshake(
        new HandshakeParameters(clientKey, Direction.OUTBOUND, Optional.empty(), List.of(YAMUX)), CertifiedKey::generate);
    SSLEngine lax = serverEngine("TLSv1.3", false);
    try (TlsPair pair = new TlsPair(client.handler(), new SslHandler(lax))) {
      pair.run();
      SecurityHandshakeException e = assertInstanceOf(SecurityHandshakeException.class, failure(client.session()));
      assertEquals("/tls/1.0.0: the server did not ask for this side's certificate; libp2p TLS authenticates both sides",
          e.getMessage());
      assertFalse(pair.client.isOpen());
    }
  }

  @Test
  void aClientOfferingOnlyTls12IsRefused() throws Exception {
    TlsHandshake server = TlsPair.handshake(
        new HandshakeParameters(serverKey, Direction.INBOUND, Optional.empty(), List.of(YAMUX)), CertifiedKey::generate);
    SSLEngine old = clientEngine("TLSv1.2", true);
    old.setEnabledProtocols(new String[] {"TLSv1.2"});
    try (TlsPair pair = new TlsPair(new SslHandler(old), server.handler())) {
      pair.run();
      SecurityHandshakeException e = assertInstanceOf(SecurityHandshakeException.class, failure(server.session()));
      assertTrue(e.getMessage().startsWith("/tls/1.0.0: TLS handshake failed: "), e.getMessage());
      assertTrue(e.getMessage().contains("TLSv1.2"), "not a refusal of the protocol version: " + e.getMessage());
      assertTrue(pair.atServer.messages.isEmpty());
      assertFalse(pair.server.isOpen());
    }
  }

  @Test
  void aClientSharingNoApplicationProtocolIsRefused() throws Exception {
    TlsHandshake server = serverHandshake();
    SSLEngine stranger = clientEngine("TLSv1.3", true);
    SSLParameters parameters = stranger.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"h2"});
    stranger.setSSLParameters(parameters);
    try (TlsPair pair = new TlsPair(new SslHandler(stranger), server.handler())) {
      pair.run();
      SecurityHandshakeException e = assertInstanceOf(SecurityHandshakeException.class, failure(server.session()));
      assertTrue(e.getMessage().contains("No matching application layer protocol"), e.getMessage());
      assertTrue(pair.atServer.messages.isEmpty());
      assertFalse(pair.server.isOpen());
    }
  }

  @Test
  void aClientSendingNoCertificateIsRefused() throws Exception {
    TlsHandshake server = serverHandshake();
    try (TlsPair pair = new TlsPair(new SslHandler(clientEngine("TLSv1.3", false)), server.handler())) {
      pair.run();
      SecurityHandshakeException e = assertInstanceOf(SecurityHandshakeException.class, failure(server.session()));
      assertTrue(e.getMessage().contains("certificate"), e.getMessage());
      assertTrue(pair.atServer.messages.isEmpty());
      assertFalse(pair.server.isOpen());
    }
  }

  @Test
  void theClientSendsNoServerName() {
    TlsHandshake client = TlsPair.handshake(
        new HandshakeParameters(clientKey, Direction.OUTBOUND, Optional.empty(), List.of(YAMUX)), CertifiedKey::generate);
    EmbeddedChannel channel = new EmbeddedChannel(client.handler());
    ByteBuf hello = channel.readOutbound();
    try {
      List<Integer> extensions = ClientHellos.extensionTypes(hello);
      assertTrue(extensions.contains(ClientHellos.ALPN), "no ALPN in " + extensions);
      assertFalse(extensions.contains(ClientHellos.SERVER_NAME), "SNI sent: " + extensions);
    } finally {
      hello.release();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void garbageInsteadOfAHandshakeFailsItWithoutAnExceptionReachingTheApplication() {
    TlsHandshake server = TlsPair.handshake(
        new HandshakeParameters(serverKey, Direction.INBOUND, Optional.empty(), List.of(YAMUX)), CertifiedKey::generate);
    InboundRecorder app = new InboundRecorder();
    EmbeddedChannel channel = new EmbeddedChannel(server.handler(), app);
    channel.writeInbound(Unpooled.wrappedBuffer("/noise\n not a TLS record at all".getBytes(StandardCharsets.UTF_8)));
    channel.runPendingTasks();
    SecurityHandshakeException e = assertInstanceOf(SecurityHandshakeException.class, failure(server.session()));
    assertTrue(e.getMessage().startsWith("/tls/1.0.0: TLS handshake failed: not an SSL/TLS record"), e.getMessage());
    assertTrue(app.errors.isEmpty(), "the refusal reached the application: " + app.errors);
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void aTamperedRecordAfterTheHandshakeIsASecureChannelException() {
    Outcome outcome = handshake(List.of(YAMUX), List.of(YAMUX));
    try (TlsPair pair = outcome.pair()) {
      outcome.client().join();
      pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
      ByteBuf record = pair.client.readOutbound();
      record.setByte(record.writerIndex() - 1, record.getByte(record.writerIndex() - 1) ^ 1);
      pair.server.writeInbound(record);
      pair.server.runPendingTasks();
      assertEquals(1, pair.atServer.messages.size(), "only the greeting was delivered");
      SecureChannelException e = assertInstanceOf(SecureChannelException.class, pair.atServer.errors.get(0));
      assertTrue(e.getMessage().startsWith("/tls/1.0.0: the remote sent a TLS record that was refused: "), e.getMessage());
      assertFalse(pair.server.isOpen());
    }
  }

  // ----------------------------------------------------------------------------------- helpers

  private TlsHandshake serverHandshake() {
    return TlsPair.handshake(
        new HandshakeParameters(serverKey, Direction.INBOUND, Optional.empty(), List.of(YAMUX)), CertifiedKey::generate);
  }

  /** A plain JDK client engine of {@code protocol}, with this test's client certificate or none. */
  private SSLEngine clientEngine(String protocol, boolean withCertificate) throws Exception {
    SSLContext context = SSLContext.getInstance(protocol);
    KeyManager[] keys = withCertificate
        ? new KeyManager[] {new CertificateKeyManager(CertifiedKey.generate(clientKey, Instant.now()))}
        : null;
    context.init(keys, new TrustManager[] {CertificateTrustManager.of(new CertificateCheck(
        new HandshakeParameters(clientKey, Direction.OUTBOUND, Optional.empty()), Clock.systemUTC()))}, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    return engine;
  }

  /** A server engine with a good libp2p certificate that may skip asking for the client's. */
  private SSLEngine serverEngine(String protocol, boolean needClientAuth) throws Exception {
    SSLContext context = SSLContext.getInstance(protocol);
    context.init(new KeyManager[] {new CertificateKeyManager(CertifiedKey.generate(serverKey, Instant.now()))},
        new TrustManager[] {CertificateTrustManager.of(new CertificateCheck(
            new HandshakeParameters(serverKey, Direction.INBOUND, Optional.empty()), Clock.systemUTC()))}, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setNeedClientAuth(needClientAuth);
    parameters.setApplicationProtocols(new String[] {"libp2p"});
    engine.setSSLParameters(parameters);
    return engine;
  }

  private static CertifiedKey spoiled(PrivateKey hostKey, Consumer<TestCertificate> spoil) {
    TestCertificate certificate = new TestCertificate(hostKey);
    spoil.accept(certificate);
    return certificate.certified();
  }

  /** Both sides failed, both connections are closed, and no application byte was delivered. */
  private static void assertRefusedCleanly(Outcome outcome, TlsPair pair) {
    assertInstanceOf(SecurityHandshakeException.class, failure(outcome.server()));
    assertFalse(pair.client.isOpen());
    assertFalse(pair.server.isOpen());
    assertTrue(pair.atClient.messages.isEmpty(), "the client delivered bytes");
    assertTrue(pair.atServer.messages.isEmpty(), "the server delivered bytes");
  }

  private static Throwable failure(CompletableFuture<SecureSession> session) {
    assertTrue(session.isDone(), "the handshake is still running");
    try {
      session.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("the handshake succeeded");
  }
}
