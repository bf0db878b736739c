package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * jlibp2p against a real js-libp2p node (3.x, or 0.29 for secio) over TCP, both ways: ping, echo
 * and a 16 MiB echo.
 * Each subclass picks the secure channel and muxer on both sides. One js listener and one Java
 * host serve a whole class, because js-libp2p resets peers that open connections or streams faster
 * than a few per second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractJsInteropTest {

  @AutoClose private JsPeer js;
  @AutoClose protected Host host;
  protected PeerId jsPeer;

  /** A Java host with the stack under test, serving echo and ping. */
  protected abstract Host createHost();

  /** The js peer's {@code --security} and {@code --muxer} options for the same stack. */
  protected abstract List<String> jsOptions();

  /** The secure channel both sides should settle on. */
  protected abstract String expectedSecurity();

  /** Options for the js listener only, after {@link #jsOptions()}: its listen address, say. */
  protected List<String> jsListenOptions() {
    return List.of();
  }

  /** Which js peer: js-libp2p 3.x unless a subclass needs the legacy one. */
  protected JsPeer.Flavor flavor() {
    return JsPeer.Flavor.MODERN;
  }

  @BeforeAll
  void start() throws Exception {
    List<String> listen = new ArrayList<>(jsOptions());
    if (flavor() == JsPeer.Flavor.MODERN) {
      listen.addAll(List.of("--echo-max-streams", "128"));
    }
    listen.addAll(jsListenOptions());
    js = JsPeer.listen(flavor(), listen.toArray(String[]::new));
    jsPeer = PeerId.fromMultiaddr(js.address()).orElseThrow();
    host = createHost();
    host.start().join();
    Connection connection = await(host.dial(js.address()));
    assertEquals(jsPeer, connection.remotePeer());
    assertEquals(expectedSecurity(), connection.securityProtocol());
  }

  /** The js listener's address, with {@code /p2p/}. */
  protected Multiaddr jsAddress() {
    return js.address();
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }

  @Test
  void javaPingsJs() throws Exception {
    Duration rtt = await(Hosts.ping(host).ping(jsPeer));
    assertTrue(rtt.compareTo(Duration.ofSeconds(10)) < 0, rtt.toString());
  }

  @Test
  void javaEchoesThroughJs() throws Exception {
    assertJsEchoes("hello from java".getBytes(StandardCharsets.UTF_8), 1 << 10);
  }

  @Test
  void javaEchoesSixteenMebibytesThroughJs() throws Exception {
    byte[] data = new byte[16 << 20];
    new Random(1).nextBytes(data);
    assertJsEchoes(data, 256 << 10);
  }

  /**
   * Opens an echo stream to js, writes {@code data} in pieces of {@code chunk} bytes, ends the
   * stream's writing, and checks that the same bytes come back before js ends its own.
   */
  protected void assertJsEchoes(byte[] data, int chunk) throws Exception {
    StreamCollector collector = new StreamCollector();
    Stream stream = await(host.newStream(jsPeer, s -> s.pipeline().addLast(collector), Hosts.ECHO));
    for (int offset = 0; offset < data.length; offset += chunk) {
      stream.write(Unpooled.wrappedBuffer(data, offset, Math.min(chunk, data.length - offset)));
    }
    stream.flush();
    stream.closeWrite();
    assertArrayEquals(data, await(collector.done));
  }

  /** Opens {@code streams} echo streams to js at once, 64 KiB each, and checks every echo. */
  protected void assertConcurrentEchoesThroughJs(int streams, long seed) throws Exception {
    List<byte[]> payloads = new ArrayList<>();
    List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    Random random = new Random(seed);
    for (int i = 0; i < streams; i++) {
      byte[] payload = new byte[64 << 10];
      random.nextBytes(payload);
      payloads.add(payload);
      StreamCollector collector = new StreamCollector();
      replies.add(collector.done);
      host.newStream(jsPeer, s -> s.pipeline().addLast(collector), Hosts.ECHO)
          .thenAccept(stream -> {
            stream.writeAndFlush(Unpooled.wrappedBuffer(payload));
            stream.closeWrite();
          })
          .exceptionally(e -> {
            collector.done.completeExceptionally(e);
            return null;
          });
    }
    for (int i = 0; i < streams; i++) {
      assertArrayEquals(payloads.get(i), await(replies.get(i)), "stream " + i);
    }
  }

  /** Has js open {@code streams} echo streams to this host at once, 64 KiB each. */
  protected void assertJsOpensConcurrentStreams(int streams) throws Exception {
    String result = jsDials("echo", Integer.toString(64 << 10), "--parallel", Integer.toString(streams));
    assertTrue(result.contains("\"ok\":true") && result.contains("\"streams\":" + streams), result);
  }

  protected String jsDials(String... command) throws Exception {
    List<String> arguments = new ArrayList<>(List.of(command));
    arguments.addAll(jsOptions());
    return JsPeer.dial(flavor(), host.listenAddresses().get(0), arguments.toArray(String[]::new));
  }

  @Test
  void jsPingsJava() throws Exception {
    String result = jsDials("ping");
    assertTrue(result.contains("\"ok\":true"), result);
  }

  @Test
  void jsEchoesSixteenMebibytesThroughJava() throws Exception {
    String result = jsDials("echo", Integer.toString(16 << 20));
    assertTrue(result.contains("\"ok\":true"), result);
    assertTrue(result.contains("\"bytes\":16777216"), result);
  }
}
