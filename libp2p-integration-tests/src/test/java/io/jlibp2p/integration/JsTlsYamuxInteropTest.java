package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interop with js-libp2p over TLS ({@code @libp2p/tls}) and yamux: every stack's checks, yamux's
 * (64 MiB echoes, 64 concurrent streams each way), and TLS's ({@link JsTlsChecks}).
 */
class JsTlsYamuxInteropTest extends AbstractJsYamuxInteropTest {

  private final JsTlsChecks tls = new JsTlsChecks();

  @Override
  protected Host createHost() {
    return tls.host(Hosts.Stack.TLS_YAMUX);
  }

  @Override
  protected List<String> jsOptions() {
    return JsTlsChecks.jsOptions("yamux");
  }

  @Override
  protected String expectedSecurity() {
    return "/tls/1.0.0";
  }

  @Test
  void theMuxerIsAgreedInTheHandshakeBothWays() throws Exception {
    tls.assertMuxerAgreedInTheHandshakeBothWays(host, jsAddress(), this::jsDials);
  }

  @Test
  void identifyRunsBothWays() throws Exception {
    tls.assertIdentifyBothWays(host, jsAddress(), this::jsDials);
  }
}
