package io.jlibp2p.transport.websocket;

import io.jlibp2p.core.conformance.AbstractTransportTest;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.TestCertificates;

/**
 * The transport conformance suite over {@code /tls/ws}, with the test certificate served from a
 * key store and trusted by the dialer.
 */
class SecureWebSocketTransportTest extends AbstractTransportTest {

  private static final char[] PASSWORD = "test".toCharArray();

  @Override
  protected Transport createTransport() {
    return WebSocketTransport.builder()
        .threads(2)
        .serverCertificate(TestCertificates.serverKeyStore(PASSWORD), PASSWORD)
        .trustStore(TestCertificates.trustStore())
        .build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/tls/ws");
  }

  @Override
  protected Multiaddr unsupportedAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001/tls/sni/localhost/ws/ws");
  }

  @Override
  protected String threadNamePrefix() {
    return "jlibp2p-ws";
  }
}
