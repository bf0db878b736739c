package io.jlibp2p.integration;

/** {@link AbstractHostTest} over plaintext and yamux. */
class PlaintextYamuxHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.PLAINTEXT_YAMUX;
  }
}
