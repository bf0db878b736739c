package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interop with js-libp2p over TLS ({@code @libp2p/tls}) and mplex: every stack's checks, 32
 * concurrent streams each way, and TLS's ({@link JsTlsChecks}).
 */
class JsTlsMplexInteropTest extends AbstractJsInteropTest {

  private final JsTlsChecks tls = new JsTlsChecks();

  @Override
  protected Host createHost() {
    return tls.host(Hosts.Stack.TLS_MPLEX);
  }

  @Override
  protected List<String> jsOptions() {
    List<String> options = new ArrayList<>(JsTlsChecks.jsOptions("mplex"));
    // js's mplex drops a peer that opens more than 5 streams a second unless told otherwise.
    options.addAll(List.of("--mplex-disconnect-threshold", "1000"));
    return options;
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

  @Test
  void thirtyTwoConcurrentStreamsToJs() throws Exception {
    assertConcurrentEchoesThroughJs(32, 32);
  }

  @Test
  void jsOpensThirtyTwoConcurrentStreamsToJava() throws Exception {
    assertJsOpensConcurrentStreams(32);
  }
}
