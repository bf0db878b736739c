package io.jlibp2p.integration;

import io.jlibp2p.testing.TestCertificates;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.util.List;

/**
 * Interop with js-libp2p over {@code /tls/ws} (wss), noise and yamux: both serve the test
 * certificate from its PEM files, and each trusts the test authority (js through {@code
 * NODE_EXTRA_CA_CERTS}), so the web PKI checks run in full on both sides.
 */
class JsSecureWebSocketInteropTest extends AbstractJsWebSocketInteropTest {

  @Override
  protected String suffix() {
    return "/tls/ws";
  }

  @Override
  protected WebSocketTransport transport() {
    return WebSocketTransport.builder()
        .threads(2)
        .serverCertificate(TestCertificates.serverChainPem(), TestCertificates.serverKeyPem())
        .trustedCertificates(TestCertificates.authorityPem())
        .build();
  }

  @Override
  protected List<String> jsCertificateOptions() {
    return List.of("--cert", TestCertificates.serverChainPem().toString(),
        "--key", TestCertificates.serverKeyPem().toString());
  }
}
