package io.jlibp2p.integration;

/** {@link AbstractHostTest} over TLS and mplex. */
class TlsMplexHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.TLS_MPLEX;
  }
}
