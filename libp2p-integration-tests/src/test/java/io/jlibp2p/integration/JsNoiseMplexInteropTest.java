package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import java.util.List;

/** Interop with js-libp2p over noise (@chainsafe/libp2p-noise) and mplex. */
class JsNoiseMplexInteropTest extends AbstractJsInteropTest {

  @Override
  protected Host createHost() {
    return Hosts.noiseMplex();
  }

  @Override
  protected List<String> jsOptions() {
    return List.of("--security", "noise", "--muxer", "mplex");
  }

  @Override
  protected String expectedSecurity() {
    return "/noise";
  }
}
