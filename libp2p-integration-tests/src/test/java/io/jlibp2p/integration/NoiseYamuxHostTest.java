package io.jlibp2p.integration;

/** {@link AbstractHostTest} over noise and yamux. */
class NoiseYamuxHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }
}
