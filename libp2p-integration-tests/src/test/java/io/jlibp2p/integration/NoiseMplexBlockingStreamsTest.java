package io.jlibp2p.integration;

/** {@link AbstractBlockingStreamsTest} over noise and mplex, which has no flow control of its own. */
class NoiseMplexBlockingStreamsTest extends AbstractBlockingStreamsTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_MPLEX;
  }
}
