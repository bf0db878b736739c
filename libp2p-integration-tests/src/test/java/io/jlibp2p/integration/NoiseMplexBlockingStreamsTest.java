package io.jlibp2p.integration;

/** {@link AbstractBlockingStreamsTest} over noise and mplex, which has no flow control of its own. */
class NoiseMplexBlockingStreamsTest extends AbstractBlockingStreamsTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_MPLEX;
  }

  /**
   * Less than mplex's 4 MiB of unread data a stream may hold: without flow control, a writer
   * faster than the echoing reader fills it, and mplex resets the stream, as it must.
   */
  @Override
  protected int echoBytes() {
    return 3 << 20;
  }
}
