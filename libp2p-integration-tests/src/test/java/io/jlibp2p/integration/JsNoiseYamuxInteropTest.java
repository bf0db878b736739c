package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import java.util.List;

/** Interop with js-libp2p over noise and yamux (@chainsafe/libp2p-yamux). */
class JsNoiseYamuxInteropTest extends AbstractJsYamuxInteropTest {

  @Override
  protected Host createHost() {
    return Hosts.noiseYamux();
  }

  @Override
  protected List<String> jsOptions() {
    return List.of("--security", "noise", "--muxer", "yamux");
  }

  @Override
  protected String expectedSecurity() {
    return "/noise";
  }
}
