package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.PeerId;
import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.protocol.ping.Ping;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jlibp2p against a real js-libp2p 3.x node (TCP, plaintext/2.0.0, mplex), both ways: ping, echo
 * and a 16 MiB echo. One js listener and one Java host serve the whole class, because js-libp2p
 * resets peers that open connections or streams faster than a few per second.
 */
class JsInteropTest {

  private static JsPeer js;
  private static Host host;
  private static PeerId jsPeer;

  @BeforeAll
  static void start() throws Exception {
    js = JsPeer.listen();
    jsPeer = js.address().peerId().orElseThrow();
    host = Hosts.plaintextMplex();
    host.start().join();
    Connection connection = await(host.dial(js.address()));
    assertEquals(jsPeer, connection.remotePeer());
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.close();
    }
    if (js != null) {
      js.close();
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }

  @Test
  void javaPingsJs() throws Exception {
    Duration rtt = await(Ping.ping(host, jsPeer));
    assertTrue(rtt.compareTo(Duration.ofSeconds(10)) < 0, rtt.toString());
  }

  @Test
  void javaEchoesThroughJs() throws Exception {
    StreamCollector collector = new StreamCollector();
    Stream stream = await(host.newStream(jsPeer, s -> s.pipeline().addLast(collector), Hosts.ECHO));
    stream.writeAndFlush(Unpooled.copiedBuffer("hello from java", StandardCharsets.UTF_8));
    stream.closeWrite();
    assertEquals("hello from java", new String(await(collector.done), StandardCharsets.UTF_8));
  }

  @Test
  void javaEchoesSixteenMebibytesThroughJs() throws Exception {
    byte[] data = new byte[16 << 20];
    new Random(1).nextBytes(data);
    StreamCollector collector = new StreamCollector();
    Stream stream = await(host.newStream(jsPeer, s -> s.pipeline().addLast(collector), Hosts.ECHO));
    for (int offset = 0; offset < data.length; offset += 256 << 10) {
      stream.write(Unpooled.wrappedBuffer(data, offset, 256 << 10));
    }
    stream.flush();
    stream.closeWrite();
    assertArrayEquals(data, await(collector.done));
  }

  @Test
  void jsPingsJava() throws Exception {
    String result = JsPeer.dial(host.listenAddresses().get(0), "ping");
    assertTrue(result.contains("\"ok\":true"), result);
  }

  @Test
  void jsEchoesSixteenMebibytesThroughJava() throws Exception {
    String result = JsPeer.dial(host.listenAddresses().get(0), "echo", Integer.toString(16 << 20));
    assertTrue(result.contains("\"ok\":true"), result);
    assertTrue(result.contains("\"bytes\":16777216"), result);
  }
}
