package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.relay.RelayClient;
import io.jlibp2p.relay.RelayServer;
import io.jlibp2p.relay.Reservation;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Circuit relay v2 against js-libp2p 3.3 with {@code @libp2p/circuit-relay-v2} 4.2.13, tcp, noise
 * and yamux, in every arrangement of three nodes: a js relay between two Java hosts, a Java relay
 * between two js nodes, and a Java relay between a js node and a Java host, each way. In each: the
 * reservation, the connection, ping, an echo within the data limit, and the reset past it.
 *
 * <p>js counts its data limit once for both directions together, where the spec and this relay
 * count each direction; and sends the duration in milliseconds where the spec says seconds (its
 * 2-minute default reads as 120,000 s here). The limits below leave room for both readings.
 */
class JsRelayInteropTest {

  private static final List<String> STACK = List.of("--security", "noise", "--muxer", "yamux");
  /** A Java relay's limit: 64 KiB each way. */
  private static final ConnectionLimit JAVA_RELAY_LIMIT = new ConnectionLimit(Duration.ofSeconds(60), 64 << 10);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T resource) {
    resources.add(resource);
    return resource;
  }

  private Host javaClient() {
    Host host = closing(Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder().service(RelayClient.create())));
    host.start().join();
    return host;
  }

  private Host javaRelay() {
    Host host = closing(Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder()
        .service(RelayServer.builder().circuitLimit(JAVA_RELAY_LIMIT).build())));
    host.start().join();
    return host;
  }

  private JsPeer jsRelay(long dataLimit) throws Exception {
    List<String> options = new ArrayList<>(STACK);
    options.addAll(List.of("--relay-server", "--relay-limit-data-bytes", Long.toString(dataLimit)));
    return closing(JsPeer.listen(options.toArray(String[]::new)));
  }

  /** A js node reserved on {@code relay}; returns its circuit address. */
  private Multiaddr jsReservedOn(Multiaddr relay) throws Exception {
    List<String> options = new ArrayList<>(STACK);
    options.addAll(List.of("--relay", relay.toString()));
    JsPeer js = closing(JsPeer.listen(options.toArray(String[]::new)));
    String reserved = js.nextOfType("reserved");
    return Multiaddr.fromString(JsonLine.list(reserved, "addresses").get(0));
  }

  private static String jsDials(Multiaddr target, String... command) throws Exception {
    List<String> arguments = new ArrayList<>(List.of(command));
    arguments.addAll(STACK);
    return JsPeer.dial(target, arguments.toArray(String[]::new));
  }

  private static Reservation reserve(Host host, Multiaddr relay) throws Exception {
    return await(host.service(RelayClient.class).orElseThrow().reserve(relay));
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }

  /** Pings and echoes {@code bytes} over the relayed connection to {@code peer}. */
  private static void pingAndEcho(Host host, Connection relayed, int bytes) throws Exception {
    PeerId peer = relayed.remotePeer();
    assertTrue(relayed.limit().isPresent(), "a relayed connection is limited");
    assertTrue(await(Hosts.ping(host).ping(peer)).compareTo(Duration.ofSeconds(10)) < 0);
    byte[] data = new byte[bytes];
    new Random(bytes).nextBytes(data);
    assertArrayEquals(data, await(echo(host, relayed, data)));
  }

  private static CompletableFuture<byte[]> echo(Host host, Connection connection, byte[] data) throws Exception {
    StreamCollector collector = new StreamCollector();
    Stream stream = await(host.newStream(connection, s -> s.pipeline().addLast(collector), Hosts.ECHO));
    stream.writeAndFlush(Unpooled.wrappedBuffer(data));
    stream.closeWrite();
    return collector.done;
  }

  /** An echo past the relay's limit: the relay resets the circuit, and the connection over it ends. */
  private static void assertEchoPastTheLimitIsCut(Host host, Connection relayed, int bytes) throws Exception {
    CompletableFuture<byte[]> echoed = echo(host, relayed, new byte[bytes]);
    assertThrows(ExecutionException.class, () -> echoed.get(60, TimeUnit.SECONDS));
    await(relayed.closeFuture());
  }

  @Test
  void aJsRelayCarriesAJavaHostToAJavaHost() throws Exception {
    JsPeer relay = jsRelay(256 << 10);
    Host listener = javaClient();
    Host dialer = javaClient();
    Reservation reservation = reserve(listener, relay.address());
    assertEquals(PeerId.fromMultiaddr(relay.address()).orElseThrow(), reservation.relay());
    assertTrue(reservation.voucher().isPresent(), "js signs a voucher, which the client checked");
    Connection relayed = await(dialer.dial(reservation.circuitAddresses().get(0)));
    assertEquals(listener.peerId(), relayed.remotePeer());
    // js's budget of 256 KiB is for both directions and every byte of the relayed connection.
    pingAndEcho(dialer, relayed, 32 << 10);
    assertEchoPastTheLimitIsCut(dialer, relayed, 256 << 10);
  }

  @Test
  void aJavaRelayCarriesAJsNodeToAJsNode() throws Exception {
    Host relay = javaRelay();
    Multiaddr circuit = jsReservedOn(relay.listenAddresses().get(0));
    assertEquals(1, relay.service(RelayServer.class).orElseThrow().reservations());
    String ping = jsDials(circuit, "ping");
    assertTrue(ping.contains("\"ok\":true") && ping.contains("\"limited\":true"), ping);
    String echo = jsDials(circuit, "echo", "1000");
    assertTrue(echo.contains("\"ok\":true") && echo.contains("\"bytes\":1000"), echo);
    String cut = jsDials(circuit, "echo", Integer.toString(200_000));
    assertTrue(cut.contains("\"ok\":false"), cut);
  }

  @Test
  void aJavaRelayCarriesAJavaHostToAJsNode() throws Exception {
    Host relay = javaRelay();
    Multiaddr circuit = jsReservedOn(relay.listenAddresses().get(0));
    Host dialer = javaClient();
    Connection relayed = await(dialer.dial(circuit));
    assertEquals(JAVA_RELAY_LIMIT, relayed.limit().orElseThrow());
    pingAndEcho(dialer, relayed, 16 << 10);
    assertEchoPastTheLimitIsCut(dialer, relayed, 128 << 10);
  }

  @Test
  void aJavaRelayCarriesAJsNodeToAJavaHost() throws Exception {
    Host relay = javaRelay();
    Host listener = javaClient();
    Multiaddr circuit = reserve(listener, relay.listenAddresses().get(0)).circuitAddresses().get(0);
    String ping = jsDials(circuit, "ping");
    assertTrue(ping.contains("\"ok\":true") && ping.contains("\"limited\":true"), ping);
    String echo = jsDials(circuit, "echo", Integer.toString(16 << 10));
    assertTrue(echo.contains("\"ok\":true") && echo.contains("\"bytes\":16384"), echo);
    String cut = jsDials(circuit, "echo", Integer.toString(200_000));
    assertTrue(cut.contains("\"ok\":false"), cut);
  }
}
