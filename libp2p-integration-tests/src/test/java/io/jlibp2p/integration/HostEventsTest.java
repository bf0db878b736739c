package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.examples.EchoHandler;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The host's {@link EventListener}: every phase of a connection and a stream, in order, with what it carried. */
class HostEventsTest {

  /** Writes each event as a line, for order checks, and keeps the objects that came with it. */
  private static final class Recorder implements EventListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<Connection> closed = new CompletableFuture<>();
    final CompletableFuture<Stream> streamClosed = new CompletableFuture<>();
    final CompletableFuture<IdentifyInfo> identified = new CompletableFuture<>();
    volatile UpgradeException upgradeFailure;
    volatile Connection.CloseReason closeReason;

    @Override
    public void dialStarted(Multiaddr address, Optional<PeerId> peer) {
      events.add("dialStarted");
    }

    @Override
    public void dialSucceeded(Multiaddr address, Connection connection, Duration elapsed) {
      events.add("dialSucceeded");
    }

    @Override
    public void dialFailed(Multiaddr address, Optional<PeerId> peer, Throwable cause, Duration elapsed) {
      events.add("dialFailed");
    }

    @Override
    public void upgradeStarted(Direction direction, Multiaddr remoteAddress) {
      events.add("upgradeStarted " + direction);
    }

    @Override
    public void securityNegotiated(Direction direction, Multiaddr remoteAddress, String protocol, Duration elapsed) {
      events.add("securityNegotiated " + protocol);
    }

    @Override
    public void securityHandshakeDone(Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {
      events.add("securityHandshakeDone " + protocol);
    }

    @Override
    public void muxerNegotiated(Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {
      events.add("muxerNegotiated " + protocol);
    }

    @Override
    public void upgradeFailed(Direction direction, Multiaddr remoteAddress, UpgradeException cause, Duration elapsed) {
      upgradeFailure = cause;
      events.add("upgradeFailed " + cause.phase());
    }

    @Override
    public void connectionOpened(Connection connection, Duration upgradeTime) {
      events.add("connectionOpened");
    }

    @Override
    public void connectionClosed(Connection connection, Connection.CloseReason reason, Duration lifetime) {
      closeReason = reason;
      events.add("connectionClosed " + reason);
      closed.complete(connection);
    }

    @Override
    public void identifyDone(Connection connection, IdentifyInfo info) {
      identified.complete(info);
    }

    @Override
    public void streamOpened(Stream stream) {
      if (stream.protocol().equals(Hosts.ECHO)) {
        events.add("streamOpened " + stream.direction() + " " + stream.protocol());
      }
    }

    @Override
    public void streamNegotiationFailed(Connection connection, List<String> protocols, Throwable cause) {
      events.add("streamNegotiationFailed " + protocols);
    }

    @Override
    public void streamClosed(Stream stream, Duration lifetime) {
      if (stream.protocol().equals(Hosts.ECHO)) {
        streamClosed.complete(stream);
      }
    }

    /** The kinds of the events so far that are among {@code kinds}, in order. */
    List<String> only(String... kinds) {
      return events.stream().map(e -> e.split(" ")[0]).filter(List.of(kinds)::contains).collect(Collectors.toList());
    }
  }

  private final Recorder clientEvents = new Recorder();
  private final Recorder serverEvents = new Recorder();
  private Host server;
  private Host client;

  private static Host host(Recorder events) {
    Host host = Host.builder()
        .transport(TcpTransport.builder().threads(1).build())
        .secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.create())
        .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
        .eventListener(events)
        .build();
    host.setStreamHandler(Hosts.ECHO, stream -> stream.pipeline().addLast(EchoHandler.INSTANCE));
    host.start().join();
    return host;
  }

  private void startHosts() {
    server = host(serverEvents);
    client = host(clientEvents);
  }

  @AfterEach
  void closeHosts() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aDialReportsEachPhaseInOrderOnBothSides() throws Exception {
    startHosts();
    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    assertEquals(List.of("dialStarted", "upgradeStarted OUTBOUND", "securityNegotiated /noise", "securityHandshakeDone /noise",
        "muxerNegotiated /yamux/1.0.0", "connectionOpened", "dialSucceeded"), clientEvents.events);
    Eventually.await("the server reports the connection", 10, () -> serverEvents.events.contains("connectionOpened"));
    assertEquals(List.of("upgradeStarted INBOUND", "securityNegotiated /noise", "securityHandshakeDone /noise",
        "muxerNegotiated /yamux/1.0.0", "connectionOpened"), serverEvents.events);
    assertEquals(server.peerId(), PeerId.fromPublicKey(await(clientEvents.identified).publicKey().orElseThrow()));

    connection.close();
    assertSame(connection, await(clientEvents.closed));
    assertEquals(Connection.CloseReason.LOCAL, clientEvents.closeReason);
    await(serverEvents.closed);
    assertEquals(Connection.CloseReason.REMOTE, serverEvents.closeReason);
  }

  @Test
  void aStreamReportsItsProtocolItsConnectionAndItsBytes() throws Exception {
    startHosts();
    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.newStream(server.peerId(), s -> s.pipeline().addLast(collector), Hosts.ECHO));
    assertSame(connection, stream.connection());
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
    stream.closeWrite();
    assertEquals(1000, await(collector.done).length);

    // A stream counts multistream-select's messages too: "/multistream/1.0.0\n" and "/echo/1.0.0\n",
    // each after its length byte, go out from the dialer and come back from the listener.
    int negotiation = 20 + 13;
    Stream closed = await(clientEvents.streamClosed);
    assertSame(stream, closed);
    assertEquals(1000 + negotiation, closed.bytesWritten());
    assertEquals(1000 + negotiation, closed.bytesRead());
    assertTrue(clientEvents.events.contains("streamOpened OUTBOUND " + Hosts.ECHO), clientEvents.events.toString());
    Stream served = await(serverEvents.streamClosed);
    assertEquals(client.peerId(), served.connection().remotePeer());
    assertEquals(1000 + negotiation, served.bytesRead());
    assertEquals(1000 + negotiation, served.bytesWritten());
    assertTrue(serverEvents.events.contains("streamOpened INBOUND " + Hosts.ECHO), serverEvents.events.toString());
  }

  @Test
  void failuresAreReported() throws Exception {
    startHosts();
    Multiaddr wrongPeer = PeerId.fromPublicKey(PrivateKey.generate().publicKey())
        .appendTo(server.listenAddresses().get(0).decapsulate(MultiaddrProtocol.P2P));
    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(client.dial(wrongPeer)));
    assertInstanceOf(UpgradeException.class, failed.getCause());
    assertEquals(List.of("dialStarted", "upgradeStarted", "securityNegotiated", "upgradeFailed", "dialFailed"),
        clientEvents.only("dialStarted", "upgradeStarted", "securityNegotiated", "upgradeFailed", "dialFailed", "connectionOpened"));
    assertEquals(UpgradeException.Phase.SECURITY_HANDSHAKE, clientEvents.upgradeFailure.phase());

    await(client.dial(server.listenAddresses().get(0)));
    // Refused with an alternative proposed: the future fails. With one proposal, sent lazily, the
    // stream comes back at once and the refusal arrives later; the listener hears both.
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> await(client.newStream(server.peerId(), "/nope/1.0.0", "/nope/2.0.0")));
    assertInstanceOf(ProtocolNegotiationException.class, refused.getCause());
    await(client.newStream(server.peerId(), "/nope/3.0.0")).read();
    Eventually.await("the late refusal is reported", 10,
        () -> clientEvents.events.contains("streamNegotiationFailed [/nope/3.0.0]"));
    assertTrue(clientEvents.events.contains("streamNegotiationFailed [/nope/1.0.0, /nope/2.0.0]"), clientEvents.events.toString());
  }

  @Test
  void aListenerThatThrowsChangesNothing() throws Exception {
    server = host(serverEvents);
    client = Host.builder()
        .transport(TcpTransport.builder().threads(1).build())
        .secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.create())
        .eventListener(new EventListener() {
          @Override
          public void connectionOpened(Connection connection, Duration upgradeTime) {
            throw new IllegalStateException("a broken listener");
          }
        })
        .build();
    client.start().join();
    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    assertTrue(connection.isOpen());
    assertEquals(List.of(connection), client.connections());
  }
}
