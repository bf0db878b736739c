package io.jlibp2p.core.security;

import io.jlibp2p.core.conformance.AbstractSecureChannelTest;
import io.jlibp2p.core.security.plaintext.PlaintextSecureChannel;

class PlaintextSecureChannelTest extends AbstractSecureChannelTest {

  @Override
  protected SecureChannel secureChannel() {
    return new PlaintextSecureChannel();
  }
}
