package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The path every browser dApp takes to a Java node: js-libp2p bundled by esbuild into a page that
 * runs in headless Chromium (Debian's, driven by puppeteer-core; see {@code
 * interop/js/browser/run.mjs}) dials a jlibp2p listener over {@code /ws} with noise and yamux,
 * pings it, echoes 1 MiB and runs identify.
 */
class BrowserInteropTest {

  @Test
  void aBrowserDialsPingsEchoesAndIdentifiesAJavaNode() throws Exception {
    try (Host host = Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder(), WebSocketTransport.builder().threads(2).build(),
        Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/ws"))) {
      host.start().join();
      Multiaddr address = host.listenAddresses().get(0);

      String json = JsPeer.browser(address);

      assertEquals("true", field(json, "ok"), json);
      assertTrue(field(json, "userAgent").contains("HeadlessChrome/"), json);
      assertEquals(host.peerId().toString(), field(json, "remotePeer"), json);
      assertEquals(address.toString(), field(json, "remoteAddr"), json);
      assertEquals("/noise", field(json, "encryption"), json);
      assertEquals("/yamux/1.0.0", field(json, "multiplexer"), json);
      assertTrue(Integer.parseInt(field(json, "rttMs")) >= 0, json);
      assertEquals("1048576", field(json, "echoBytes"), json);
      assertTrue(field(json, "agentVersion").startsWith("jlibp2p/"), json);
      assertTrue(list(json, "protocols").contains(Hosts.ECHO), json);

      // And the Java side identified the browser in turn.
      PeerId browser = PeerId.fromString(field(json, "localPeer"));
      String agent = Eventually.await("the browser's agent version", Duration.ofSeconds(10),
          () -> host.peerstore().metadata(browser).agentVersion().orElse(""), a -> !a.isEmpty());
      assertTrue(agent.startsWith("js-libp2p/"), agent);
      assertTrue(agent.contains("Chrome"), agent);
    }
  }
}
