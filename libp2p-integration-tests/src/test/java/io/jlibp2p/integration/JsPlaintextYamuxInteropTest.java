package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import java.util.List;

/** Interop with js-libp2p over plaintext and yamux (@chainsafe/libp2p-yamux). */
class JsPlaintextYamuxInteropTest extends AbstractJsYamuxInteropTest {

  @Override
  protected Host createHost() {
    return Hosts.plaintextYamux();
  }

  @Override
  protected List<String> jsOptions() {
    return List.of("--security", "plaintext", "--muxer", "yamux");
  }

  @Override
  protected String expectedSecurity() {
    return "/plaintext/2.0.0";
  }
}
