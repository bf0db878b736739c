package io.jlibp2p.integration;

import io.jlibp2p.transport.websocket.WebSocketTransport;

/** Interop with js-libp2p over {@code /ws}, noise and yamux. */
class JsWebSocketInteropTest extends AbstractJsWebSocketInteropTest {

  @Override
  protected String suffix() {
    return "/ws";
  }

  @Override
  protected WebSocketTransport transport() {
    return WebSocketTransport.builder().threads(2).build();
  }
}
