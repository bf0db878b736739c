package io.jlibp2p.mplex;

import io.jlibp2p.core.conformance.AbstractStreamMuxerTest;
import io.jlibp2p.core.muxer.StreamMuxer;

class MplexStreamMuxerTest extends AbstractStreamMuxerTest {

  @Override
  protected StreamMuxer muxer() {
    return MplexStreamMuxer.create();
  }

  @Override
  protected boolean hasFlowControl() {
    return false;
  }
}
