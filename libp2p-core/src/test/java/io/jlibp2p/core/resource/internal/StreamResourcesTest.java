package io.jlibp2p.core.resource.internal;

import static io.jlibp2p.core.resource.internal.ResourceFixture.PEER_A;
import static io.jlibp2p.core.resource.internal.ResourceFixture.PEER_B;
import static io.jlibp2p.core.resource.internal.ResourceFixture.streams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.StreamScope;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Stream counts and memory along a stream's chain of scopes, its moves, and its release. */
class StreamResourcesTest {

  private static final ScopeLimit U = ScopeLimit.UNLIMITED;
  private static final int MAX = Integer.MAX_VALUE;

  private static ResourceLimits.Builder unlimited() {
    return ResourceLimits.unlimited().toBuilder();
  }

  private static ScopeLimit streamsInAll(int count) {
    return new ScopeLimit(MAX, MAX, MAX, MAX, MAX, count, Long.MAX_VALUE, MAX);
  }

  @Test
  void streamsPerConnectionRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(U.withStreams(2, 1)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.OUTBOUND);
    connection.open(Direction.INBOUND);
    StreamScope second = connection.open(Direction.INBOUND);
    f.assertRefused("connection", "at most 2 inbound streams", Optional.of(PEER_A),
        () -> connection.open(Direction.INBOUND));
    connection.open(Direction.OUTBOUND);
    f.assertRefused("connection", "at most 1 outbound streams", Optional.of(PEER_A),
        () -> connection.open(Direction.OUTBOUND));
    // another connection has room of its own, and a closed stream makes room
    f.connectionTo(PEER_A, Direction.OUTBOUND).open(Direction.INBOUND);
    second.close();
    connection.open(Direction.INBOUND);
    assertEquals(new ScopeUsage(0, 1, 2, 1, 0, 0), connection.usage());
  }

  @Test
  void streamsInAllPerConnectionRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(streamsInAll(2)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.OUTBOUND);
    connection.open(Direction.INBOUND);
    connection.open(Direction.OUTBOUND);
    f.assertRefused("connection", "at most 2 streams", Optional.of(PEER_A), () -> connection.open(Direction.INBOUND));
    f.assertRefused("connection", "at most 2 streams", Optional.of(PEER_A), () -> connection.open(Direction.OUTBOUND));
  }

  @Test
  void streamsPerPeerRefusedAtTheLimitAcrossConnections() {
    ResourceFixture f = new ResourceFixture(unlimited().peerDefault(U.withStreams(2, 1)).build());
    ConnectionResources first = f.connectionTo(PEER_A, Direction.INBOUND);
    ConnectionResources second = f.connectionTo(PEER_A, Direction.OUTBOUND);
    first.open(Direction.INBOUND);
    second.open(Direction.INBOUND);
    second.open(Direction.OUTBOUND);
    f.assertRefused("peer:" + PEER_A, "at most 2 inbound streams", Optional.of(PEER_A),
        () -> first.open(Direction.INBOUND));
    f.assertRefused("peer:" + PEER_A, "at most 1 outbound streams", Optional.of(PEER_A),
        () -> second.open(Direction.OUTBOUND));
    assertEquals(new ScopeUsage(1, 1, 2, 1, 0, 0), f.manager.peers().get(PEER_A));
    f.connectionTo(PEER_B, Direction.INBOUND).open(Direction.INBOUND);
  }

  @Test
  void streamsInAllPerPeerRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().peerDefault(streamsInAll(1)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.open(Direction.OUTBOUND);
    f.assertRefused("peer:" + PEER_A, "at most 1 streams", Optional.of(PEER_A), () -> connection.open(Direction.INBOUND));
  }

  @Test
  void transientStreamsRefusedAtTheLimitUntilTheirProtocolIsAgreed() {
    ResourceFixture f = new ResourceFixture(unlimited().transientScope(U.withStreams(1, 1)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    StreamScope negotiating = connection.open(Direction.INBOUND);
    f.assertRefused("transient", "at most 1 inbound streams", Optional.of(PEER_A),
        () -> connection.open(Direction.INBOUND));
    connection.open(Direction.OUTBOUND);
    assertEquals(streams(1, 1), f.manager.transientScope());
    negotiating.setProtocol("/echo/1.0.0");
    assertEquals(streams(0, 1), f.manager.transientScope());
    assertEquals(Map.of("/echo/1.0.0", streams(1, 0)), f.manager.protocols());
    connection.open(Direction.INBOUND);
  }

  @Test
  void systemStreamsRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().system(U.withStreams(1, 2)).build());
    ConnectionResources a = f.connectionTo(PEER_A, Direction.INBOUND);
    ConnectionResources b = f.connectionTo(PEER_B, Direction.INBOUND);
    a.open(Direction.INBOUND).setProtocol("/x");
    f.assertRefused("system", "at most 1 inbound streams", Optional.of(PEER_B), () -> b.open(Direction.INBOUND));
    b.open(Direction.OUTBOUND);
    a.open(Direction.OUTBOUND);
    f.assertRefused("system", "at most 2 outbound streams", Optional.of(PEER_A), () -> a.open(Direction.OUTBOUND));
  }

  @Test
  void protocolStreamsRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited()
        .protocol("/echo", U.withStreams(1, 1))
        .protocolDefault(U.withStreams(2, 2))
        .build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.open(Direction.INBOUND).setProtocol("/echo");
    StreamScope second = connection.open(Direction.INBOUND);
    second.reserveMemory(5);
    f.assertRefused("protocol:/echo", "at most 1 inbound streams", Optional.of(PEER_A),
        () -> second.setProtocol("/echo"));
    // refused, it stays transient; its memory is its peer's, never the transient scope's
    assertEquals(new ScopeUsage(0, 0, 1, 0, 0, 0), f.manager.transientScope());
    assertEquals(Map.of("/echo", streams(1, 0)), f.manager.protocols());
    second.setProtocol("/other"); // the default limit has room
    second.releaseMemory(5);
    connection.open(Direction.INBOUND).setProtocol("/other");
    StreamScope third = connection.open(Direction.INBOUND);
    f.assertRefused("protocol:/other", "at most 2 inbound streams", Optional.of(PEER_A),
        () -> third.setProtocol("/other"));
    StreamScope outbound = connection.open(Direction.OUTBOUND);
    outbound.setProtocol("/echo");
    StreamScope outbound2 = connection.open(Direction.OUTBOUND);
    f.assertRefused("protocol:/echo", "at most 1 outbound streams", Optional.of(PEER_A),
        () -> outbound2.setProtocol("/echo"));
  }

  @Test
  void serviceStreamsRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().service("identify", U.withStreams(1, 1)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    StreamScope first = connection.open(Direction.INBOUND);
    first.setProtocol("/ipfs/id/1.0.0");
    first.setService("identify");
    StreamScope second = connection.open(Direction.INBOUND);
    second.setProtocol("/ipfs/id/1.0.0");
    f.assertRefused("service:identify", "at most 1 inbound streams", Optional.of(PEER_A),
        () -> second.setService("identify"));
    assertEquals(Map.of("identify", streams(1, 0)), f.manager.services());
    second.setService("other");
    first.close();
    StreamScope third = connection.open(Direction.INBOUND);
    third.setService("identify");
    assertEquals(Map.of("identify", streams(1, 0), "other", streams(1, 0)), f.manager.services());
  }

  @Test
  void streamMemoryRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().stream(U.withMemory(100)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    StreamScope stream = connection.open(Direction.INBOUND);
    stream.reserveMemory(100);
    f.assertRefused("stream", "at most 100 bytes of memory, 100 of them reserved; asked for 1 more",
        Optional.of(PEER_A), () -> stream.reserveMemory(1));
    connection.open(Direction.INBOUND).reserveMemory(100);
  }

  @Test
  void connectionMemoryHoldsItsStreams() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(U.withMemory(100)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.open(Direction.INBOUND).reserveMemory(60);
    StreamScope second = connection.open(Direction.OUTBOUND);
    f.assertRefused("connection", "at most 100 bytes of memory, 60 of them reserved; asked for 41 more",
        Optional.of(PEER_A), () -> second.reserveMemory(41));
    second.reserveMemory(40);
    f.assertRefused("connection", "asked for 1 more", Optional.of(PEER_A), () -> connection.reserveMemory(1));
  }

  @Test
  void peerAndSystemMemoryHoldTheStreams() {
    ResourceFixture f = new ResourceFixture(unlimited()
        .peerDefault(U.withMemory(100))
        .system(U.withMemory(150))
        .build());
    StreamScope a1 = f.connectionTo(PEER_A, Direction.INBOUND).open(Direction.INBOUND);
    StreamScope a2 = f.connectionTo(PEER_A, Direction.INBOUND).open(Direction.INBOUND);
    StreamScope b = f.connectionTo(PEER_B, Direction.INBOUND).open(Direction.INBOUND);
    a1.reserveMemory(50);
    a2.reserveMemory(50);
    f.assertRefused("peer:" + PEER_A, "at most 100 bytes", Optional.of(PEER_A), () -> a2.reserveMemory(1));
    b.reserveMemory(50);
    f.assertRefused("system", "at most 150 bytes", Optional.of(PEER_B), () -> b.reserveMemory(1));
  }

  @Test
  void protocolAndServiceMemoryRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited()
        .protocol("/p", U.withMemory(100))
        .service("s", U.withMemory(50))
        .build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    StreamScope held = connection.open(Direction.INBOUND);
    held.setProtocol("/p");
    held.reserveMemory(40);
    StreamScope big = connection.open(Direction.INBOUND);
    big.reserveMemory(61);
    f.assertRefused("protocol:/p", "at most 100 bytes of memory, 40 of them reserved; asked for 61 more",
        Optional.of(PEER_A), () -> big.setProtocol("/p"));
    big.releaseMemory(1);
    big.setProtocol("/p");
    f.assertRefused("protocol:/p", "asked for 1 more", Optional.of(PEER_A), () -> big.reserveMemory(1));
    held.setService("s");
    f.assertRefused("service:s", "at most 50 bytes of memory, 40 of them reserved; asked for 60 more",
        Optional.of(PEER_A), () -> big.setService("s"));
    big.close();
    f.assertRefused("service:s", "at most 50 bytes of memory, 40 of them reserved; asked for 11 more",
        Optional.of(PEER_A), () -> held.reserveMemory(11));
    held.reserveMemory(10);
    assertEquals(50, f.manager.protocols().get("/p").memory());
  }

  @Test
  void memoryGoesUpTheChainAndMovesWithTheStream() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.reserveMemory(1);
    StreamScope stream = connection.open(Direction.OUTBOUND);
    stream.reserveMemory(10);
    assertEquals(new ScopeUsage(0, 0, 0, 1, 10, 0), stream.usage());
    assertEquals(new ScopeUsage(1, 0, 0, 1, 11, 0), connection.usage());
    assertEquals(new ScopeUsage(1, 0, 0, 1, 11, 0), f.manager.peers().get(PEER_A));
    // A negotiating stream counts in the transient scope, but its memory does not.
    assertEquals(new ScopeUsage(0, 0, 0, 1, 0, 0), f.manager.transientScope());
    assertEquals(new ScopeUsage(1, 0, 0, 1, 11, 1), f.manager.system());
    assertEquals(Map.of(), f.manager.protocols());

    stream.setProtocol("/p");
    assertEquals(ScopeUsage.NONE, f.manager.transientScope());
    assertEquals(Map.of("/p", new ScopeUsage(0, 0, 0, 1, 10, 0)), f.manager.protocols());
    assertEquals(new ScopeUsage(1, 0, 0, 1, 11, 1), f.manager.system());

    stream.setService("s");
    assertEquals(Map.of("s", new ScopeUsage(0, 0, 0, 1, 10, 0)), f.manager.services());
    assertEquals(new ScopeUsage(1, 0, 0, 1, 11, 0), f.manager.peers().get(PEER_A));

    stream.reserveMemory(5);
    for (ScopeUsage usage : new ScopeUsage[] {f.manager.protocols().get("/p"), f.manager.services().get("s"),
        stream.usage()}) {
      assertEquals(15, usage.memory());
    }
    assertEquals(16, f.manager.system().memory());
    assertEquals(16, f.manager.peers().get(PEER_A).memory());
    stream.releaseMemory(100); // more than it holds
    assertEquals(0, stream.usage().memory());
    assertEquals(1, f.manager.system().memory());
    assertEquals(0, f.manager.protocols().get("/p").memory());
  }

  @Test
  void setProtocolAndSetServiceTwiceKeepTheFirst() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    StreamScope stream = f.connectionTo(PEER_A, Direction.INBOUND).open(Direction.INBOUND);
    stream.setProtocol("/a");
    stream.setProtocol("/b");
    stream.setService("x");
    stream.setService("y");
    assertEquals(Map.of("/a", streams(1, 0)), f.manager.protocols());
    assertEquals(Map.of("x", streams(1, 0)), f.manager.services());
  }

  @Test
  void aClosedStreamMovesNowhere() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    StreamScope stream = connection.open(Direction.INBOUND);
    stream.close();
    stream.setProtocol("/a");
    stream.setService("x");
    connection.close();
    f.assertEmpty();
  }

  @Test
  void aRefusedMoveIntoANewProtocolOrServiceLeavesNoEmptyEntry() {
    ResourceFixture f = new ResourceFixture(unlimited()
        .protocol("/blocked", U.withStreams(0, 0))
        .service("blocked", U.withStreams(0, 0))
        .build());
    StreamScope stream = f.connectionTo(PEER_A, Direction.INBOUND).open(Direction.INBOUND);
    f.assertRefused("protocol:/blocked", "at most 0 inbound streams", Optional.of(PEER_A),
        () -> stream.setProtocol("/blocked"));
    f.assertRefused("service:blocked", "at most 0 inbound streams", Optional.of(PEER_A),
        () -> stream.setService("blocked"));
  }

  @Test
  void closingStreamsAndConnectionsInAnyOrderReleasesEverything() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources a = f.connectionTo(PEER_A, Direction.INBOUND);
    ConnectionResources b = f.connectionTo(PEER_B, Direction.OUTBOUND);
    a.reserveMemory(3);
    StreamScope a1 = a.open(Direction.INBOUND);
    StreamScope a2 = a.open(Direction.OUTBOUND);
    StreamScope b1 = b.open(Direction.INBOUND);
    StreamScope b2 = b.open(Direction.OUTBOUND);
    a1.setProtocol("/p");
    a1.setService("s");
    a1.reserveMemory(10);
    a2.reserveMemory(20); // still negotiating
    b1.setProtocol("/p");
    b1.reserveMemory(30);
    b2.setProtocol("/q");
    b2.setService("s");
    b2.reserveMemory(40);

    a.close(); // before its streams
    a.close();
    assertEquals(new ScopeUsage(0, 0, 1, 1, 30, 0), f.manager.peers().get(PEER_A));
    a1.close();
    b1.close();
    b1.close();
    assertEquals(Map.of("s", new ScopeUsage(0, 0, 0, 1, 40, 0)), f.manager.services());
    b.close();
    b2.close();
    a2.close();
    a2.close();
    a1.close();
    f.assertEmpty();
  }

  @Test
  void closeMakesRoomForAnotherStream() {
    ResourceFixture f = new ResourceFixture(unlimited().peerDefault(U.withStreams(1, 1)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    StreamScope stream = connection.open(Direction.INBOUND);
    stream.setProtocol("/p");
    stream.close();
    stream.close();
    connection.open(Direction.INBOUND);
    f.assertRefused("peer:" + PEER_A, "at most 1 inbound streams", Optional.of(PEER_A),
        () -> connection.open(Direction.INBOUND));
  }

  @Test
  void noStreamOpensBeforeTheHandshakeProvedThePeer() {
    // Its streams would count in the transient scope twice: as the connection's and as negotiating.
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.inbound();
    assertThrows(IllegalStateException.class, () -> connection.open(Direction.INBOUND));
    connection.close();
    f.assertEmpty();
  }

  @Test
  void nameIsTheScopeOfItsRefusals() {
    ResourceFixture f = new ResourceFixture(unlimited().stream(U.withMemory(1)).build());
    StreamScope stream = f.connectionTo(PEER_A, Direction.INBOUND).open(Direction.INBOUND);
    stream.setProtocol("/p");
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> stream.reserveMemory(2));
    assertEquals(e.scope(), Optional.of(stream.name()), "ResourceScope.name() is documented as the refusal's scope");
  }
}
