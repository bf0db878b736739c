package io.jlibp2p.core.resource.internal;

import static io.jlibp2p.core.resource.internal.ResourceFixture.PEER_A;
import static io.jlibp2p.core.resource.internal.ResourceFixture.PEER_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.resource.ScopeUsage;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The memory of a connection, its move to its peer's scope, and its release. */
class ConnectionResourcesTest {

  private static final ScopeLimit U = ScopeLimit.UNLIMITED;

  private static ResourceLimits.Builder unlimited() {
    return ResourceLimits.unlimited().toBuilder();
  }

  @Test
  void connectionMemoryRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(U.withMemory(100)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.reserveMemory(60);
    connection.reserveMemory(40);
    f.assertRefused("connection", "at most 100 bytes of memory, 100 of them reserved; asked for 1 more",
        Optional.of(PEER_A), () -> connection.reserveMemory(1));
    assertFalse(connection.tryReserveMemory(1));
    connection.releaseMemory(1);
    assertTrue(connection.tryReserveMemory(1));
    assertEquals(new ScopeUsage(1, 0, 0, 0, 100, 0), connection.usage());
    // another connection has a budget of its own
    f.connectionTo(PEER_A, Direction.INBOUND).reserveMemory(100);
  }

  @Test
  void aRefusalBeforeTheHandshakeNamesNoPeer() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(U.withMemory(10)).build());
    ConnectionResources connection = f.inbound();
    f.assertRefused("connection", "at most 10 bytes", Optional.empty(), () -> connection.reserveMemory(11));
  }

  @Test
  void peerMemoryRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().peerDefault(U.withMemory(100)).build());
    f.connectionTo(PEER_A, Direction.INBOUND).reserveMemory(60);
    ConnectionResources second = f.connectionTo(PEER_A, Direction.OUTBOUND);
    second.reserveMemory(40);
    f.assertRefused("peer:" + PEER_A, "at most 100 bytes of memory, 100 of them reserved; asked for 1 more",
        Optional.of(PEER_A), () -> second.reserveMemory(1));
    f.connectionTo(PEER_B, Direction.INBOUND).reserveMemory(100);
  }

  @Test
  void systemMemoryRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().system(U.withMemory(100)).build());
    f.connectionTo(PEER_A, Direction.INBOUND).reserveMemory(70);
    ConnectionResources handshaking = f.outbound();
    handshaking.reserveMemory(30);
    f.assertRefused("system", "at most 100 bytes of memory", Optional.empty(), () -> handshaking.reserveMemory(1));
    ConnectionResources other = f.connectionTo(PEER_B, Direction.INBOUND);
    f.assertRefused("system", "asked for 5 more", Optional.of(PEER_B), () -> other.reserveMemory(5));
    assertEquals(100, f.manager.system().memory());
  }

  @Test
  void transientMemoryRefusedAtTheLimitAndFreedByTheHandshake() {
    ResourceFixture f = new ResourceFixture(unlimited().transientScope(U.withMemory(100)).build());
    ConnectionResources first = f.inbound();
    first.reserveMemory(100);
    ConnectionResources second = f.inbound();
    f.assertRefused("transient", "at most 100 bytes", Optional.empty(), () -> second.reserveMemory(1));
    first.setPeer(PEER_A);
    second.reserveMemory(100);
    first.reserveMemory(1000); // in the peer's scope now
  }

  @Test
  void memoryGoesUpTheChain() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.inbound();
    connection.reserveMemory(30);
    assertEquals(new ScopeUsage(1, 0, 0, 0, 30, 0), connection.usage());
    assertEquals(new ScopeUsage(1, 0, 0, 0, 30, 0), f.manager.transientScope());
    assertEquals(new ScopeUsage(1, 0, 0, 0, 30, 1), f.manager.system());
    assertEquals(Map.of(), f.manager.peers());
  }

  @Test
  void setPeerMovesTheConnectionAndItsMemory() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.outbound();
    connection.reserveMemory(30);
    ScopeUsage system = f.manager.system();
    connection.setPeer(PEER_A);
    assertEquals(Optional.of(PEER_A), connection.peer());
    assertEquals(ScopeUsage.NONE, f.manager.transientScope());
    assertEquals(Map.of(PEER_A, new ScopeUsage(0, 1, 0, 0, 30, 0)), f.manager.peers());
    assertEquals(system, f.manager.system());
    connection.reserveMemory(5);
    assertEquals(new ScopeUsage(0, 1, 0, 0, 35, 0), f.manager.peers().get(PEER_A));
    assertEquals(ScopeUsage.NONE, f.manager.transientScope());
    connection.releaseMemory(35);
    assertEquals(new ScopeUsage(0, 1, 0, 0, 0, 0), f.manager.peers().get(PEER_A));
    connection.close();
    f.assertEmpty();
  }

  @Test
  void aRefusedSetPeerLeavesTheConnectionTransient() {
    ResourceFixture f = new ResourceFixture(unlimited().peerDefault(U.withMemory(50)).build());
    f.connectionTo(PEER_A, Direction.INBOUND).reserveMemory(20);
    ConnectionResources connection = f.inbound();
    connection.reserveMemory(31);
    f.assertRefused("peer:" + PEER_A, "at most 50 bytes of memory, 20 of them reserved; asked for 31 more",
        Optional.of(PEER_A), () -> connection.setPeer(PEER_A));
    assertEquals(Optional.empty(), connection.peer());
    assertEquals(new ScopeUsage(1, 0, 0, 0, 31, 0), f.manager.transientScope());
    // still transient: its memory is released from there
    connection.releaseMemory(1);
    assertEquals(new ScopeUsage(1, 0, 0, 0, 30, 0), f.manager.transientScope());
    connection.setPeer(PEER_A); // now it fits
    assertEquals(new ScopeUsage(2, 0, 0, 0, 50, 0), f.manager.peers().get(PEER_A));
    assertEquals(ScopeUsage.NONE, f.manager.transientScope());
  }

  @Test
  void aRefusedSetPeerIntoANewPeerScopeLeavesNoEmptyEntry() {
    ResourceFixture f = new ResourceFixture(unlimited().peerDefault(U.withConnections(0, 0)).build());
    ConnectionResources connection = f.inbound();
    f.assertRefused("peer:" + PEER_A, "at most 0 inbound connections", Optional.of(PEER_A),
        () -> connection.setPeer(PEER_A));
  }

  @Test
  void releasingMoreThanReservedDoesNotGoNegative() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources a = f.connectionTo(PEER_A, Direction.INBOUND);
    ConnectionResources b = f.connectionTo(PEER_A, Direction.INBOUND);
    a.reserveMemory(10);
    b.reserveMemory(10);
    a.releaseMemory(50);
    assertEquals(0, a.usage().memory());
    assertEquals(10, b.usage().memory());
    assertEquals(10, f.manager.peers().get(PEER_A).memory());
    assertEquals(10, f.manager.system().memory());
    a.releaseMemory(10);
    assertEquals(10, f.manager.system().memory());
    b.close();
    a.close();
    f.assertEmpty();
  }

  @Test
  void aNegativeReleaseDoesNotReserveAroundTheLimit() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(U.withMemory(100)).build());
    ConnectionResources connection = f.inbound();
    try {
      connection.releaseMemory(-1000);
    } catch (IllegalArgumentException expected) {
      // refusing the argument is fine too
    }
    assertEquals(0, connection.usage().memory());
    assertEquals(0, f.manager.system().memory());
  }

  @Test
  void aNegativeReservationDoesNotDriveCountsNegative() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.inbound();
    try {
      connection.reserveMemory(-1000);
    } catch (IllegalArgumentException expected) {
      // refusing the argument is fine too
    }
    assertEquals(0, connection.usage().memory());
    assertEquals(0, f.manager.system().memory());
  }

  @Test
  void closeReleasesTheConnectionAndItsMemoryOnce() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources transientOne = f.inbound();
    transientOne.reserveMemory(7);
    ConnectionResources withPeer = f.connectionTo(PEER_A, Direction.OUTBOUND);
    withPeer.reserveMemory(9);
    ConnectionResources other = f.connectionTo(PEER_B, Direction.INBOUND);
    withPeer.close();
    withPeer.close();
    assertEquals(Map.of(PEER_B, new ScopeUsage(1, 0, 0, 0, 0, 0)), f.manager.peers());
    transientOne.close();
    transientOne.close();
    other.close();
    f.assertEmpty();
    withPeer.releaseMemory(9);
    f.assertEmpty();
  }

  @Test
  void aClosedConnectionOpensNoStreams() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.close();
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> connection.open(Direction.INBOUND));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    f.assertEmpty();
  }

  @Test
  void nameIsTheScopeOfItsRefusals() {
    ResourceFixture f = new ResourceFixture(unlimited().connection(U.withMemory(1)).build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> connection.reserveMemory(2));
    assertEquals(e.scope(), Optional.of(connection.name()), "ResourceScope.name() is documented as the refusal's scope");
  }

  @Test
  void memoryReservedAfterCloseDoesNotOutliveIt() {
    ResourceFixture f = new ResourceFixture(unlimited().build());
    ConnectionResources connection = f.connectionTo(PEER_A, Direction.INBOUND);
    connection.close();
    try {
      connection.reserveMemory(10); // a buffer that grows as the connection closes
    } catch (LimitExceededException expected) {
      // refusing it is fine too
    }
    f.assertEmpty();
  }
}
