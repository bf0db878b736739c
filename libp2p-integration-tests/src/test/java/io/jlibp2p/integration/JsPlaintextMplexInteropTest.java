package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import java.util.List;

/** Interop with js-libp2p over plaintext/2.0.0 and mplex. */
class JsPlaintextMplexInteropTest extends AbstractJsInteropTest {

  @Override
  protected Host createHost() {
    return Hosts.plaintextMplex();
  }

  @Override
  protected List<String> jsOptions() {
    return List.of("--security", "plaintext", "--muxer", "mplex");
  }

  @Override
  protected String expectedSecurity() {
    return "/plaintext/2.0.0";
  }
}
