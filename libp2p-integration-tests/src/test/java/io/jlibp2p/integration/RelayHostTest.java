package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.Envelope;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.relay.CircuitRelay;
import io.jlibp2p.relay.RelayClient;
import io.jlibp2p.relay.RelayException;
import io.jlibp2p.relay.RelayServer;
import io.jlibp2p.relay.RelayStatus;
import io.jlibp2p.relay.Reservation;
import io.jlibp2p.relay.ReservationVoucher;
import io.jlibp2p.relay.internal.RelayMessages;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos.StopMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Circuit relay v2 between jlibp2p hosts: a relay, a host that reserves on it, a host that dials
 * through it; the limits, the refusals and their status codes, and a relay that goes away.
 */
class RelayHostTest {

  private static final ConnectionLimit TEST_LIMIT = new ConnectionLimit(Duration.ofSeconds(60), 256 << 10);

  private final List<Host> hosts = new ArrayList<>();

  @AfterEach
  void closeHosts() {
    hosts.forEach(Host::close);
  }

  private Host relay(RelayServer server) {
    return started(Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder().service(server)));
  }

  private Host client() {
    return started(Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder().service(RelayClient.create())));
  }

  private Host started(Host host) {
    hosts.add(host);
    host.start().join();
    return host;
  }

  private static Reservation reserve(Host host, Host relay) throws Exception {
    return await(host.service(RelayClient.class).orElseThrow().reserve(relay.listenAddresses().get(0)));
  }

  static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static byte[] echo(Host from, Connection connection, byte[] data) throws Exception {
    StreamCollector collector = new StreamCollector();
    Stream stream = await(from.newStream(connection, s -> s.pipeline().addLast(collector), Hosts.ECHO));
    stream.writeAndFlush(Unpooled.wrappedBuffer(data));
    stream.closeWrite();
    return await(collector.done);
  }

  @Test
  void aPeerReachesAReservedPeerThroughTheRelayAndPingsAndEchoesOverTheLimitedConnection() throws Exception {
    Host relay = relay(RelayServer.builder().circuitLimit(TEST_LIMIT).build());
    Host listener = client();
    Host dialer = client();

    Reservation reservation = reserve(listener, relay);
    assertEquals(relay.peerId(), reservation.relay());
    assertEquals(TEST_LIMIT, reservation.limit());
    ReservationVoucher voucher = reservation.voucher().orElseThrow();
    assertEquals(listener.peerId(), voucher.peer());
    assertEquals(reservation.expiration(), voucher.expiration());
    assertTrue(reservation.expiration().isAfter(Instant.now().plus(Duration.ofMinutes(59))), reservation.expiration().toString());
    Multiaddr circuit = reservation.circuitAddresses().get(0);
    assertEquals(CircuitRelay.circuitAddress(relay.listenAddresses().get(0), listener.peerId()), circuit);
    assertTrue(listener.listenAddresses().contains(circuit), listener.listenAddresses().toString());
    assertTrue(listener.signedPeerRecord().record().addresses().stream().anyMatch(a -> a.has(MultiaddrProtocol.P2P_CIRCUIT)));
    assertEquals(1, relay.service(RelayServer.class).orElseThrow().reservations());

    Connection relayed = await(dialer.dial(circuit));
    assertEquals(listener.peerId(), relayed.remotePeer());
    assertEquals(TEST_LIMIT, relayed.limit().orElseThrow());
    assertTrue(relayed.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT), relayed.remoteAddress().toString());
    assertTrue(await(Hosts.ping(dialer).ping(listener.peerId())).compareTo(Duration.ofSeconds(5)) < 0);
    assertTrue(await(relayed.identify()).protocols().contains(CircuitRelay.STOP_PROTOCOL_ID));

    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);
    assertArrayEquals(data, echo(dialer, relayed, data));
    Eventually.await("the listener sees the inbound relayed connection", Duration.ofSeconds(10),
        () -> listener.connections().stream().filter(c -> c.remotePeer().equals(dialer.peerId())).toList(),
        connections -> connections.size() == 1 && connections.get(0).limit().isPresent());
    assertEquals(1, relay.service(RelayServer.class).orElseThrow().circuits());
  }

  @Test
  void aCircuitCarriesMebibytesBothWaysAtTheSpeedOfItsSlowerSide() throws Exception {
    Host relay = relay(RelayServer.builder().circuitLimit(ConnectionLimit.UNLIMITED).build());
    Host listener = client();
    Host dialer = client();
    Multiaddr circuit = reserve(listener, relay).circuitAddresses().get(0);
    // Opened by address, as newStream(Multiaddr) dials it: through the relay.
    Stream opened = await(dialer.newStream(circuit, Hosts.ECHO));
    Connection relayed = opened.connection();
    assertTrue(relayed.limit().isPresent());
    opened.close();
    // Far past the streams' write buffers (64 KiB) and yamux windows (256 KiB): the circuit's
    // reading stops and resumes many times over.
    byte[] data = new byte[8 << 20];
    new Random(8).nextBytes(data);
    assertArrayEquals(data, echo(dialer, relayed, data));
  }

  @Test
  void aProtocolWhoseHandlerDoesNotAllowLimitedConnectionsIsNotServedThroughARelay() throws Exception {
    Host relay = relay(RelayServer.create());
    Host listener = client();
    Host dialer = client();
    listener.setStreamHandler("/bulk/1.0.0", stream -> stream.close());
    Connection relayed = await(dialer.dial(reserve(listener, relay).circuitAddresses().get(0)));
    // Two proposals, so that the refusal is waited for (a single one is optimistic).
    assertInstanceOf(ProtocolNegotiationException.class, failure(dialer.newStream(relayed, "/bulk/1.0.0", "/bulk/0.9.0")));
  }

  @Test
  void passingTheDataLimitResetsTheCircuit() throws Exception {
    Host relay = relay(RelayServer.builder().circuitLimit(new ConnectionLimit(Duration.ofSeconds(60), 64 << 10)).build());
    Host listener = client();
    Host dialer = client();
    Connection relayed = await(dialer.dial(reserve(listener, relay).circuitAddresses().get(0)));
    StreamCollector collector = new StreamCollector();
    Stream stream = await(dialer.newStream(relayed, s -> s.pipeline().addLast(collector), Hosts.ECHO));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[200_000]));
    stream.closeWrite();
    failure(collector.done);
    await(relayed.closeFuture());
    Eventually.await("the relay counts the circuit no more", Duration.ofSeconds(10),
        () -> relay.service(RelayServer.class).orElseThrow().circuits(), circuits -> circuits == 0);
  }

  @Test
  void passingTheDurationLimitResetsTheCircuit() throws Exception {
    Host relay = relay(RelayServer.builder().circuitLimit(new ConnectionLimit(Duration.ofSeconds(1), 0)).build());
    Host listener = client();
    Host dialer = client();
    Connection relayed = await(dialer.dial(reserve(listener, relay).circuitAddresses().get(0)));
    long opened = System.nanoTime();
    await(relayed.closeFuture());
    assertTrue(System.nanoTime() - opened >= TimeUnit.MILLISECONDS.toNanos(900));
  }

  @Test
  void theRelaysAnswerToConnectComesBeforeAnythingTheTargetWritesFirst() throws Exception {
    Host relay = relay(RelayServer.builder().circuitLimit(TEST_LIMIT).build());
    Host target = client();
    reserve(target, relay);
    byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // A target that writes as soon as it has said yes, as a multistream listener may.
    target.setStreamHandler(CircuitRelay.STOP_PROTOCOL_ID, stream -> stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
        RelayMessages.send(ctx.channel(), StopMessage.newBuilder()
            .setType(StopMessage.Type.STATUS).setStatus(CircuitProtos.Status.OK).build());
        ctx.writeAndFlush(Unpooled.wrappedBuffer(hello));
      }
    }));
    HopMessage granted = HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setStatus(CircuitProtos.Status.OK)
        .setLimit(RelayMessages.limit(TEST_LIMIT))
        .build();
    byte[] expected = new byte[1 + granted.getSerializedSize() + hello.length];
    expected[0] = (byte) granted.getSerializedSize();
    System.arraycopy(granted.toByteArray(), 0, expected, 1, granted.getSerializedSize());
    System.arraycopy(hello, 0, expected, expected.length - hello.length, hello.length);
    // Both streams of a circuit may share the relay's event loop, or not: try a few circuits.
    for (int i = 0; i < 6; i++) {
      Host source = client();
      Connection connection = await(source.dial(relay.listenAddresses().get(0)));
      StreamCollector collector = StreamCollector.firstBytes(expected.length);
      Stream stream = await(source.newStream(connection, s -> s.pipeline().addLast(collector), CircuitRelay.HOP_PROTOCOL_ID));
      RelayMessages.send(stream, HopMessage.newBuilder()
          .setType(HopMessage.Type.CONNECT)
          .setPeer(CircuitProtos.Peer.newBuilder().setId(ByteString.copyFrom(target.peerId().toBytes())))
          .build());
      assertArrayEquals(expected, await(collector.done));
      stream.reset();
    }
  }

  @Test
  void aConnectToAPeerWithoutAReservationIsRefusedWithNoReservation() throws Exception {
    Host relay = relay(RelayServer.create());
    Host dialer = client();
    Host unreserved = client();
    Throwable cause = failure(dialer.dial(CircuitRelay.circuitAddress(relay.listenAddresses().get(0), unreserved.peerId())));
    RelayException refusal = findCause(cause, RelayException.class);
    assertEquals(RelayStatus.NO_RESERVATION, refusal.status().orElseThrow());
  }

  @Test
  void reservationsPastTheRelaysMaximumAreRefused() throws Exception {
    Host relay = relay(RelayServer.builder().maxReservations(1).build());
    reserve(client(), relay);
    Host second = client();
    Throwable cause = failure(second.service(RelayClient.class).orElseThrow().reserve(relay.listenAddresses().get(0)));
    assertEquals(RelayStatus.RESERVATION_REFUSED, findCause(cause, RelayException.class).status().orElseThrow());
    assertTrue(second.listenAddresses().stream().noneMatch(a -> a.has(MultiaddrProtocol.P2P_CIRCUIT)));
  }

  @Test
  void circuitsPastThePerPeerMaximumAreRefused() throws Exception {
    Host relay = relay(RelayServer.builder().maxCircuitsPerPeer(1).circuitLimit(TEST_LIMIT).build());
    Host listener = client();
    Multiaddr circuit = reserve(listener, relay).circuitAddresses().get(0);
    await(client().dial(circuit));
    Throwable cause = failure(client().dial(circuit));
    assertEquals(RelayStatus.RESOURCE_LIMIT_EXCEEDED, findCause(cause, RelayException.class).status().orElseThrow());
  }

  @Test
  void aRelayThatGoesAwayLosesTheReservationAndEndsItsCircuits() throws Exception {
    Host relay = relay(RelayServer.builder().circuitLimit(TEST_LIMIT).build());
    Host listener = client();
    Host dialer = client();
    Reservation reservation = reserve(listener, relay);
    Connection relayed = await(dialer.dial(reservation.circuitAddresses().get(0)));
    relay.closeNow().join();
    assertInstanceOf(RelayException.class, failure(reservation.ended()));
    await(relayed.closeFuture());
    Eventually.await("the circuit address leaves the listener's", Duration.ofSeconds(10), listener::listenAddresses,
        addresses -> addresses.stream().noneMatch(a -> a.has(MultiaddrProtocol.P2P_CIRCUIT)));
    assertTrue(listener.service(RelayClient.class).orElseThrow().reservations().isEmpty());
  }

  @Test
  void aReservationIsRefreshedBeforeItExpires() throws Exception {
    Host relay = relay(RelayServer.builder().reservationTtl(Duration.ofSeconds(4)).build());
    Host listener = client();
    Reservation reservation = reserve(listener, relay);
    Instant first = reservation.expiration();
    Eventually.await("the reservation is refreshed", Duration.ofSeconds(10), reservation::expiration, first::isBefore);
    assertFalse(reservation.ended().isDone());
  }

  @Test
  void aCancelledReservationLeavesTheListenAddresses() throws Exception {
    Host relay = relay(RelayServer.create());
    Host listener = client();
    Reservation reservation = reserve(listener, relay);
    await(reservation.cancel());
    assertTrue(reservation.ended().isDone() && !reservation.ended().isCompletedExceptionally());
    Eventually.await("the circuit address leaves the listener's", Duration.ofSeconds(10), listener::listenAddresses,
        addresses -> addresses.stream().noneMatch(a -> a.has(MultiaddrProtocol.P2P_CIRCUIT)));
  }

  @Test
  void aHopRequestOverARelayedConnectionIsRefusedWithPermissionDenied() throws Exception {
    Host relay = relay(RelayServer.create());
    // The listener is a relay too: a dialer reaching it through the first must not reserve on it.
    Host listener = started(Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder()
        .service(RelayClient.create()).service(RelayServer.create())));
    Host dialer = client();
    Connection relayed = await(dialer.dial(reserve(listener, relay).circuitAddresses().get(0)));
    HopMessage answer = exchange(dialer, relayed, CircuitRelay.HOP_PROTOCOL_ID,
        HopMessage.newBuilder().setType(HopMessage.Type.RESERVE).build(), HopMessage.parser());
    assertEquals(CircuitProtos.Status.PERMISSION_DENIED, answer.getStatus());
  }

  @Test
  void aStopRequestFromAPeerThatIsNotOurRelayIsRefusedWithPermissionDenied() throws Exception {
    Host listener = client();
    Host stranger = client();
    Connection connection = await(stranger.dial(listener.listenAddresses().get(0)));
    StopMessage connect = StopMessage.newBuilder()
        .setType(StopMessage.Type.CONNECT)
        .setPeer(CircuitProtos.Peer.newBuilder().setId(ByteString.copyFrom(stranger.peerId().toBytes())))
        .build();
    StopMessage answer = exchange(stranger, connection, CircuitRelay.STOP_PROTOCOL_ID, connect, StopMessage.parser());
    assertEquals(StopMessage.Type.STATUS, answer.getType());
    assertEquals(CircuitProtos.Status.PERMISSION_DENIED, answer.getStatus());
    assertTrue(listener.connections().stream().allMatch(c -> c.limit().isEmpty()));
  }

  @Test
  void malformedHopMessagesAreAnsweredWithMalformedMessage() throws Exception {
    Host relay = relay(RelayServer.create());
    Host client = client();
    Connection connection = await(client.dial(relay.listenAddresses().get(0)));
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.newStream(connection, s -> s.pipeline().addLast(collector), CircuitRelay.HOP_PROTOCOL_ID));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
    HopMessage answer = HopMessage.parseFrom(withoutPrefix(await(collector.done)));
    assertEquals(CircuitProtos.Status.MALFORMED_MESSAGE, answer.getStatus());

    // A length over the 4 KiB maximum (8,193 bytes) is refused before its body arrives, as go does.
    StreamCollector second = new StreamCollector();
    Stream oversized = await(client.newStream(connection, s -> s.pipeline().addLast(second), CircuitRelay.HOP_PROTOCOL_ID));
    oversized.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x40}));
    assertEquals(CircuitProtos.Status.MALFORMED_MESSAGE, HopMessage.parseFrom(withoutPrefix(await(second.done))).getStatus());
  }

  @Test
  void aVoucherSignedByAnotherKeyFailsTheReservation() throws Exception {
    Host listener = client();
    Host fakeRelay = client();
    PrivateKey other = PrivateKey.generate();
    fakeRelay.setStreamHandler(CircuitRelay.HOP_PROTOCOL_ID, stream -> stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
        RelayMessages.send(ctx.channel(), forgedGrant(fakeRelay, listener, other));
      }
    }));
    Throwable cause = failure(listener.service(RelayClient.class).orElseThrow().reserve(fakeRelay.listenAddresses().get(0)));
    assertInstanceOf(RelayException.class, cause);
    assertTrue(cause.getMessage().contains("unusable"), cause.getMessage());
    assertTrue(listener.listenAddresses().stream().noneMatch(a -> a.has(MultiaddrProtocol.P2P_CIRCUIT)));
  }

  /** An OK answer to RESERVE whose voucher names {@code relay} but is signed by {@code key}. */
  private static HopMessage forgedGrant(Host relay, Host peer, PrivateKey key) {
    long expiration = Instant.now().getEpochSecond() + 3600;
    CircuitProtos.Voucher payload = CircuitProtos.Voucher.newBuilder()
        .setRelay(ByteString.copyFrom(relay.peerId().toBytes()))
        .setPeer(ByteString.copyFrom(peer.peerId().toBytes()))
        .setExpiration(expiration)
        .build();
    byte[] envelope = Envelope.seal(key, ReservationVoucher.DOMAIN, ReservationVoucher.payloadType(), payload.toByteArray())
        .marshal();
    return HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setStatus(CircuitProtos.Status.OK)
        .setReservation(CircuitProtos.Reservation.newBuilder().setExpire(expiration).setVoucher(ByteString.copyFrom(envelope)))
        .build();
  }

  /** Sends {@code request} on a new stream of {@code protocol} and reads the one answer. */
  private static <T> T exchange(Host host, Connection connection, String protocol, MessageLite request,
      Parser<T> parser) throws Exception {
    StreamCollector collector = new StreamCollector();
    Stream stream = await(host.newStream(connection, s -> s.pipeline().addLast(collector), protocol));
    RelayMessages.send(stream, request);
    return parser.parseFrom(withoutPrefix(await(collector.done)));
  }

  /** A single short message's body: its one-byte length prefix taken off. */
  private static byte[] withoutPrefix(byte[] framed) {
    assertTrue(framed.length > 0 && framed[0] == framed.length - 1, "one message of under 128 bytes, got " + framed.length);
    return Arrays.copyOfRange(framed, 1, framed.length);
  }

  private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + failure, failure);
  }
}
