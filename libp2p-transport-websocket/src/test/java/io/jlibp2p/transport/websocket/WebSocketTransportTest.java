package io.jlibp2p.transport.websocket;

import io.jlibp2p.core.conformance.AbstractTransportTest;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.multiformats.Multiaddr;

/** The transport conformance suite over plain {@code /ws}. */
class WebSocketTransportTest extends AbstractTransportTest {

  @Override
  protected Transport createTransport() {
    return WebSocketTransport.builder().threads(2).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/ws");
  }

  @Override
  protected Multiaddr unsupportedAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001");
  }

  @Override
  protected String threadNamePrefix() {
    return "jlibp2p-ws";
  }
}
