package io.jlibp2p.secio;

import io.jlibp2p.core.conformance.AbstractSecureChannelTest;
import io.jlibp2p.core.security.SecureChannel;

class SecioSecureChannelTest extends AbstractSecureChannelTest {

  @Override
  protected SecureChannel secureChannel() {
    return new SecioSecureChannel();
  }
}
