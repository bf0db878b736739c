package io.jlibp2p.integration;

/** {@link AbstractHostTest} over noise and mplex. */
class NoiseMplexHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_MPLEX;
  }

  /** Four times mplex's 4 MiB bound on a stream's unread bytes, which a reading peer must never trip. */
  @Override
  protected int largeEchoBytes() {
    return 16 << 20;
  }
}
