package io.jlibp2p.transport.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.testing.TestCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web PKI side of {@code wss}: which certificates a dialer accepts, which names it checks,
 * what a listener needs, and how each refusal reads.
 */
class SecureWebSocketDialTest {

  private final List<WebSocketTransport> transports = new ArrayList<>();

  @AfterEach
  void close() {
    transports.forEach(WebSocketTransport::close);
  }

  private WebSocketTransport track(WebSocketTransport transport) {
    transports.add(transport);
    return transport;
  }

  /** A wss listener on 127.0.0.1 serving the test certificate from PEM files, in the form given. */
  private Multiaddr listen(String form) throws Exception {
    WebSocketTransport server = track(WebSocketTransport.builder()
        .threads(1)
        .serverCertificate(TestCertificates.serverChainPem(), TestCertificates.serverKeyPem())
        .build());
    TransportListener listener = server.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0" + form), raw -> { })
        .get(10, TimeUnit.SECONDS);
    return listener.addresses().get(0);
  }

  private static int port(Multiaddr address) {
    return Integer.parseInt(address.valueOf(MultiaddrProtocol.TCP).orElseThrow());
  }

  private WebSocketTransport trustingClient() {
    return track(WebSocketTransport.builder().threads(1).trustedCertificates(TestCertificates.authorityPem()).build());
  }

  private static Throwable dialFailure(WebSocketTransport client, Multiaddr address) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> client.dial(address, raw -> { }).get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void aListenerServedFromPemReportsTheFormItWasGiven() throws Exception {
    Multiaddr wss = listen("/wss");
    assertTrue(wss.toString().matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/wss"), wss.toString());
    Multiaddr tlsWs = listen("/tls/ws");
    assertTrue(tlsWs.toString().matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/tls/ws"), tlsWs.toString());
    RawConnection raw = trustingClient().dial(wss, r -> { }).get(20, TimeUnit.SECONDS);
    assertEquals(wss, raw.remoteAddress());
    raw.channel().close();
  }

  @Test
  void aCertificateNoTrustedAuthoritySignedFailsTheDialWithTheTlsReason() throws Exception {
    Multiaddr address = listen("/wss");
    WebSocketTransport defaultTrust = track(WebSocketTransport.builder().threads(1).build());
    WebSocketException e = assertInstanceOf(WebSocketException.class, dialFailure(defaultTrust, address));
    assertTrue(e.getMessage().contains(address.toString()), e.getMessage());
    assertTrue(e.getMessage().toLowerCase().contains("certificat"), e.getMessage());
  }

  @Test
  void theSniNameIsTheNameTheCertificateMustProve() throws Exception {
    int port = port(listen("/tls/ws"));
    WebSocketTransport client = trustingClient();

    Multiaddr localhost = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + port + "/tls/sni/localhost/ws");
    RawConnection raw = client.dial(localhost, r -> { }).get(20, TimeUnit.SECONDS);
    assertEquals(localhost, raw.remoteAddress(), "the remote address keeps the name it was dialed with");
    raw.channel().close();

    Multiaddr other = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + port + "/tls/sni/example.com/ws");
    WebSocketException e = assertInstanceOf(WebSocketException.class, dialFailure(client, other));
    assertTrue(e.getMessage().contains("example.com"), e.getMessage());
  }

  @Test
  void aDnsNameIsResolvedAndChecked() throws Exception {
    int port = port(listen("/wss"));
    Multiaddr byName = Multiaddr.fromString("/dns4/localhost/tcp/" + port + "/wss");
    RawConnection raw = trustingClient().dial(byName, r -> { }).get(20, TimeUnit.SECONDS);
    assertTrue(raw.channel().isActive());
    assertEquals(byName, raw.remoteAddress(), "the name the certificate proved, for the next dial to check again");
    raw.channel().close();
  }

  @Test
  void aNameThatCannotBeAnHttpHostFailsTheDialAtOnce() {
    WebSocketTransport client = trustingClient();
    Multiaddr ipAsSni = Multiaddr.fromString("/ip4/127.0.0.1/tcp/1/tls/sni/::1/ws");
    TransportException e = assertInstanceOf(TransportException.class, dialFailure(client, ipAsSni));
    assertTrue(e.getMessage().contains("cannot be the host of an HTTP request"), e.getMessage());
  }

  @Test
  void limitsBelowTheFrameSizeOtherPeersWriteAreRefused() {
    IllegalArgumentException frame = assertThrows(IllegalArgumentException.class,
        () -> WebSocketTransport.builder().maxFrameSize(16 * 1024));
    assertTrue(frame.getMessage().contains("65536"), frame.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WebSocketTransport.builder().maxMessageSize(16 * 1024));
  }

  @Test
  void withoutACertificateTheTransportCannotListenOnWssAndSaysWhy() {
    WebSocketTransport plain = track(WebSocketTransport.builder().threads(1).build());
    Multiaddr wss = Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/wss");
    assertFalse(plain.canListen(wss));
    assertTrue(plain.canListen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/ws")));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> plain.listen(wss, raw -> { }).get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("serverCertificate"), e.getCause().getMessage());
  }

  @Test
  void pemFilesThatHoldNoCertificateOrKeyAreRefusedAtOnce(@TempDir Path dir) throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    IllegalArgumentException chain = assertThrows(IllegalArgumentException.class,
        () -> WebSocketTransport.builder().serverCertificate(junk, TestCertificates.serverKeyPem()));
    assertTrue(chain.getMessage().contains("junk.pem"), chain.getMessage());
    IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
        () -> WebSocketTransport.builder().serverCertificate(TestCertificates.serverChainPem(), junk));
    assertTrue(key.getMessage().contains("junk.pem"), key.getMessage());
    IllegalArgumentException trust = assertThrows(IllegalArgumentException.class,
        () -> WebSocketTransport.builder().trustedCertificates(dir.resolve("missing.pem")));
    assertTrue(trust.getMessage().contains("missing.pem"), trust.getMessage());
  }

  @Test
  void aServerThatRefusesTheUpgradeFailsTheDialWithItsStatus() throws Exception {
    try (ServerSocket http = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
        try (Socket socket = http.accept()) {
          socket.getInputStream().read(new byte[4096]);
          socket.getOutputStream().write(("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      WebSocketTransport client = track(WebSocketTransport.builder().threads(1).build());
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + http.getLocalPort() + "/ws");
      WebSocketException e = assertInstanceOf(WebSocketException.class, dialFailure(client, address));
      assertTrue(e.getMessage().contains("403"), e.getMessage());
      answered.get(10, TimeUnit.SECONDS);
    }
  }
}
