package io.jlibp2p.tls;

import io.jlibp2p.core.conformance.AbstractSecureChannelTest;
import io.jlibp2p.core.security.SecureChannel;

/** The conformance suite every secure channel passes, over TLS. */
class TlsSecureChannelTest extends AbstractSecureChannelTest {

  @Override
  protected SecureChannel secureChannel() {
    return TlsSecureChannel.create();
  }
}
