package io.jlibp2p.integration;

/** {@link AbstractHostTest} over TLS and yamux. */
class TlsYamuxHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.TLS_YAMUX;
  }
}
