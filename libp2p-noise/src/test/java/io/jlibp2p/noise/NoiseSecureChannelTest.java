package io.jlibp2p.noise;

import io.jlibp2p.core.conformance.AbstractSecureChannelTest;
import io.jlibp2p.core.security.SecureChannel;

class NoiseSecureChannelTest extends AbstractSecureChannelTest {

  @Override
  protected SecureChannel secureChannel() {
    return new NoiseSecureChannel();
  }
}
