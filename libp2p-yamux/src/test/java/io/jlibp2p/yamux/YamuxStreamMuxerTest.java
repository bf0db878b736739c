package io.jlibp2p.yamux;

import io.jlibp2p.core.conformance.AbstractStreamMuxerTest;
import io.jlibp2p.core.muxer.StreamMuxer;

class YamuxStreamMuxerTest extends AbstractStreamMuxerTest {

  @Override
  protected StreamMuxer muxer() {
    return YamuxStreamMuxer.create();
  }

  @Override
  protected boolean hasFlowControl() {
    return true;
  }
}
