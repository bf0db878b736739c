package io.jlibp2p.integration;

import static io.jlibp2p.testing.CauseAssertions.assertCause;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.websocket.WebSocketException;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** {@link AbstractHostTest} over noise and yamux on {@code /ws}: the host suite on the WebSocket transport. */
class WebSocketNoiseYamuxHostTest extends AbstractHostTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }

  @Override
  protected Transport newTransport() {
    return WebSocketTransport.builder().threads(2).handshakeTimeout(Duration.ofMillis(300)).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/ws");
  }

  /** Over WebSocket a silent peer is caught one step earlier, by the transport's handshake timeout. */
  @Override
  @Test
  void silentPeerTimesTheUpgradeOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Host impatient = stack().builder().transport(newTransport()).build()) {
      Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + silent.getLocalPort() + "/ws");
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(impatient.dial(address)));
      WebSocketException failure = assertCause(WebSocketException.class, e);
      assertTrue(failure.getMessage().contains("handshakeTimeout"), failure.getMessage());
      assertTrue(failure.getMessage().contains(address.toString()), failure.getMessage());
    }
  }
}
