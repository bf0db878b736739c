package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.secio.SecioSecureChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * secio and mplex against legacy js-libp2p 0.29 ({@code libp2p-secio} 0.13.1), both ways, and 200
 * handshakes in a row with fresh keys each way: the shared secret starts with a zero byte in one
 * handshake in 256, where go and js derive different keys (see {@code SecioHandshakeHandler}).
 */
class JsSecioMplexInteropTest extends AbstractJsInteropTest {

  private static final int HANDSHAKES = 200;

  @Override
  protected Host createHost() {
    return Hosts.secioMplex();
  }

  @Override
  protected List<String> jsOptions() {
    return List.of();
  }

  @Override
  protected String expectedSecurity() {
    return SecioSecureChannel.PROTOCOL_ID;
  }

  @Override
  protected JsPeer.Flavor flavor() {
    return JsPeer.Flavor.LEGACY;
  }

  @Test
  void jsHandshakesWithJavaTwoHundredTimesWithFreshKeys() throws Exception {
    String result = jsDials("handshakes", Integer.toString(HANDSHAKES));
    assertTrue(result.contains("\"ok\":true"), result);
    assertTrue(result.contains("\"handshakes\":" + HANDSHAKES), result);
  }

  @Test
  void javaHandshakesWithJsTwoHundredTimesWithFreshKeys() throws Exception {
    for (int i = 0; i < HANDSHAKES; i++) {
      try (Host fresh = Hosts.secioMplex(PrivateKey.generate())) {
        fresh.start().join();
        Connection connection = await(fresh.dial(jsAddress()));
        assertEquals(SecioSecureChannel.PROTOCOL_ID, connection.securityProtocol(), "handshake " + i);
      }
    }
  }
}
