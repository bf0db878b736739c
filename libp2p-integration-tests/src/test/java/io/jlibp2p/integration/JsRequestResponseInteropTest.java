package io.jlibp2p.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.protocol.RequestResponse;
import io.jlibp2p.crypto.PeerId;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link RequestResponse} against js-libp2p 3.x, whose peer (interop/js/peer.mjs) serves and asks
 * {@code /jlibp2p/upper/1.0.0} with its own {@code lpStream}: the uvarint-prefixed framing, the
 * request's end and the response's close, both ways, over noise and yamux.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsRequestResponseInteropTest {

  private static final String UPPER = "/jlibp2p/upper/1.0.0";

  @AutoClose private JsPeer js;
  private PeerId jsPeer;
  @AutoClose private Host host;
  private RequestResponse upper;

  @BeforeAll
  void start() throws Exception {
    // Many connections in a row from one address: past js's default inbound rate, it refuses them.
    js = JsPeer.listen("--security", "noise", "--muxer", "yamux", "--conn-threshold", "1000000");
    jsPeer = PeerId.fromMultiaddr(js.address()).orElseThrow();
    upper = RequestResponse.builder(UPPER)
        .serve(request -> new String(request, UTF_8).toUpperCase(Locale.ROOT).getBytes(UTF_8))
        .build();
    host = Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder().service(upper));
    host.start().join();
  }

  @Test
  void aJavaClientAsksAJsServerOnNewConnectionsTimeAfterTime() throws Exception {
    // A new connection each round: the request and its end then race js's connection setup, where
    // an early end would be reset (the host holds it for js agents).
    for (int round = 0; round < 20; round++) {
      Connection connection = host.dial(js.address()).get(30, TimeUnit.SECONDS);
      try {
        String text = "round " + round + " from java";
        byte[] response = upper.request(jsPeer, text.getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertEquals(text.toUpperCase(Locale.ROOT), new String(response, UTF_8));
      } finally {
        connection.closeAsync().get(10, TimeUnit.SECONDS);
      }
    }
    // Larger than one yamux frame and than a one-byte prefix.
    Connection connection = host.dial(js.address()).get(30, TimeUnit.SECONDS);
    try {
      String text = "x".repeat(300_000);
      assertEquals(text.toUpperCase(Locale.ROOT),
          new String(upper.request(jsPeer, text.getBytes(UTF_8)).get(30, TimeUnit.SECONDS), UTF_8));
    } finally {
      connection.closeAsync().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aJsClientAsksAJavaServer() throws Exception {
    String output = JsPeer.dial(host.listenAddresses().get(0), "upper", "hello from js",
        "--security", "noise", "--muxer", "yamux");
    assertTrue(output.contains("\"ok\":true"), output);
    assertTrue(output.contains("\"response\":\"HELLO FROM JS\""), output);
  }
}
