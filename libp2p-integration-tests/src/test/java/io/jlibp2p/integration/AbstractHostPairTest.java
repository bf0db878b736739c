package io.jlibp2p.integration;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.tcp.TcpTransport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A server and a client host of one {@link Hosts.Stack} on TCP loopback (or the transport a
 * variant names), started before each test and closed after it, the client first.
 */
abstract class AbstractHostPairTest {

  protected Host server;
  protected Host client;

  /** The secure channel and muxer under test; the fixture's hosts and every variant use them. */
  protected abstract Hosts.Stack stack();

  /** A transport of the kind under test, for a host of the test's own; TCP unless a variant says otherwise. */
  protected Transport newTransport() {
    return TcpTransport.builder().threads(2).build();
  }

  /** The address the fixture's hosts listen on; TCP loopback unless a variant says otherwise. */
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");
  }

  /** {@code builder} on {@link #newTransport()} and {@link #listenAddress()}, serving echo and ping. */
  protected Host serving(Host.Builder builder) {
    return Hosts.serving(builder, newTransport(), listenAddress());
  }

  @BeforeEach
  void startHosts() {
    server = serving(stack().builder());
    client = serving(stack().builder());
    server.start().join();
    client.start().join();
  }

  @AfterEach
  void closeHosts() {
    client.close();
    server.close();
  }

  /** The server's first listen address, with its peer ID. */
  protected Multiaddr serverAddress() {
    return server.listenAddresses().get(0);
  }

  protected static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  /**
   * Collects what a stream handed out by {@code newStream} receives from now on: adds a collector
   * and turns on reading, which the host leaves to the stream's owner.
   */
  protected static StreamCollector collect(Stream stream) {
    StreamCollector collector = new StreamCollector();
    stream.pipeline().addLast(collector);
    stream.config().setAutoRead(true);
    return collector;
  }

  /** Everything {@code collector} receives until the remote ends its writing, as UTF-8. */
  protected static String text(StreamCollector collector) throws Exception {
    return new String(await(collector.done), StandardCharsets.UTF_8);
  }
}
