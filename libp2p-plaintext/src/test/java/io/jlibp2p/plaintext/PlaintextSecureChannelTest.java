package io.jlibp2p.plaintext;

import io.jlibp2p.core.conformance.AbstractSecureChannelTest;
import io.jlibp2p.core.security.SecureChannel;

class PlaintextSecureChannelTest extends AbstractSecureChannelTest {

  @Override
  protected SecureChannel secureChannel() {
    return new PlaintextSecureChannel();
  }
}
