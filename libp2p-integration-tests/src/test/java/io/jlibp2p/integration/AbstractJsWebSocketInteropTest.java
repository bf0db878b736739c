package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Interop with js-libp2p's {@code @libp2p/websockets} over noise and yamux, both directions: what
 * {@link AbstractJsInteropTest} checks, 32 concurrent streams each way, and identify each way,
 * whose addresses must carry the WebSocket suffix the subclass listens with.
 */
abstract class AbstractJsWebSocketInteropTest extends AbstractJsInteropTest {

  /** The suffix after {@code /tcp/N} on both listeners: {@code /ws} or {@code /tls/ws}. */
  protected abstract String suffix();

  /** The Java side's WebSocket transport. */
  protected abstract WebSocketTransport transport();

  /** Options for the js listener beyond its listen address. */
  protected List<String> jsCertificateOptions() {
    return List.of();
  }

  @Override
  protected Host createHost() {
    return Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder(), transport(),
        Multiaddr.fromString("/ip4/127.0.0.1/tcp/0" + suffix()));
  }

  @Override
  protected List<String> jsOptions() {
    return List.of("--security", "noise", "--muxer", "yamux", "--identify");
  }

  @Override
  protected List<String> jsListenOptions() {
    List<String> options = new java.util.ArrayList<>(List.of("--listen", "/ip4/127.0.0.1/tcp/0" + suffix()));
    options.addAll(jsCertificateOptions());
    return options;
  }

  @Override
  protected String expectedSecurity() {
    return "/noise";
  }

  @Test
  void bothListenersSpeakWebSocket() {
    String pattern = "/ip4/127\\.0\\.0\\.1/tcp/\\d+" + suffix() + "/p2p/\\w+";
    assertTrue(jsAddress().toString().matches(pattern), jsAddress().toString());
    assertTrue(host.listenAddresses().get(0).toString().matches(pattern), host.listenAddresses().toString());
  }

  @Test
  void thirtyTwoConcurrentStreamsToJs() throws Exception {
    assertConcurrentEchoesThroughJs(32, 32);
  }

  @Test
  void jsOpensThirtyTwoConcurrentStreamsToJava() throws Exception {
    assertJsOpensConcurrentStreams(32);
  }

  /**
   * Each js dial a new node and connection: half of them failed ("could not negotiate /noise")
   * while the Java listener's first frame could reach js with the 101 response, before js-libp2p
   * listened for it (see {@code QuietUntilSpokenTo}).
   */
  @Test
  void everyJsDialNegotiates() throws Exception {
    for (int i = 0; i < 8; i++) {
      String result = jsDials("ping");
      assertTrue(result.contains("\"ok\":true"), "dial " + i + ": " + result);
    }
  }

  @Test
  void javaIdentifiesJs() throws Exception {
    Connection connection = await(host.dial(jsAddress()));
    IdentifyInfo info = await(connection.identify());
    assertTrue(info.agentVersion().orElseThrow().startsWith("js-libp2p/"), info.agentVersion().toString());
    assertEquals(List.of(jsAddress().decapsulate(MultiaddrProtocol.P2P)), info.listenAddresses());
    // js names what it observed /ws even when it came over TLS, and appends our peer ID.
    Multiaddr observed = info.observedAddress().orElseThrow().decapsulate(MultiaddrProtocol.P2P);
    assertEquals(connection.localAddress().valueOf(MultiaddrProtocol.TCP), observed.valueOf(MultiaddrProtocol.TCP),
        observed + " vs " + connection.localAddress());
    assertTrue(observed.toString().endsWith("/ws"), observed.toString());
  }

  @Test
  void jsIdentifiesJava() throws Exception {
    String json = jsDials("identify");
    assertTrue(json.contains("\"ok\":true"), json);
    String ours = host.listenAddresses().get(0).decapsulate(MultiaddrProtocol.P2P).toString();
    assertEquals(List.of(ours), list(json, "listenAddrs"), json);
    assertTrue(field(json, "agentVersion").startsWith("jlibp2p/"), json);
    assertTrue(field(json, "observedAddr").matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+" + suffix()), json);
  }
}
