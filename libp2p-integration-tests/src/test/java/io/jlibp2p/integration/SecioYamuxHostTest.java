package io.jlibp2p.integration;

/** {@link AbstractHostTest} over secio and yamux. */
class SecioYamuxHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.SECIO_YAMUX;
  }
}
