package io.jlibp2p.core.resource.internal;

import static io.jlibp2p.core.resource.internal.ResourceFixture.PEER_A;
import static io.jlibp2p.core.resource.internal.ResourceFixture.PEER_B;
import static io.jlibp2p.core.resource.internal.ResourceFixture.connections;
import static io.jlibp2p.core.resource.internal.ResourceFixture.tcp;
import static io.jlibp2p.core.resource.internal.ResourceFixture.tcp6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.StreamScope;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connection counts, file descriptors and the per-IP limit of {@link ResourceManager}. */
class ResourceManagerTest {

  private static final ScopeLimit U = ScopeLimit.UNLIMITED;

  /** Limits with {@code limit} on {@code scope} ("system" or "transient") and nothing else. */
  private static ResourceLimits limitsOn(String scope, ScopeLimit limit) {
    ResourceLimits.Builder builder = ResourceLimits.unlimited().toBuilder();
    return (scope.equals("system") ? builder.system(limit) : builder.transientScope(limit)).build();
  }

  private static ScopeUsage usageOf(ResourceFixture f, String scope) {
    return scope.equals("system") ? f.manager.system() : f.manager.transientScope();
  }

  @ParameterizedTest
  @ValueSource(strings = {"system", "transient"})
  void inboundConnectionsRefusedAtTheLimit(String scope) {
    ResourceFixture f = new ResourceFixture(limitsOn(scope, U.withConnections(2, Integer.MAX_VALUE)));
    f.inbound();
    f.inbound();
    f.assertRefused(scope, "at most 2 inbound connections", Optional.empty(), f::inbound);
    f.outbound(); // the other direction has room
    assertEquals(connections(2, 1), ResourceFixture.withoutFileDescriptors(usageOf(f, scope)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"system", "transient"})
  void outboundConnectionsRefusedAtTheLimit(String scope) {
    ResourceFixture f = new ResourceFixture(limitsOn(scope, U.withConnections(Integer.MAX_VALUE, 3)));
    for (int i = 0; i < 3; i++) {
      f.outbound();
    }
    f.assertRefused(scope, "at most 3 outbound connections", Optional.empty(), f::outbound);
    f.inbound();
  }

  @ParameterizedTest
  @ValueSource(strings = {"system", "transient"})
  void connectionsInAllRefusedAtTheLimit(String scope) {
    ScopeLimit limit = new ScopeLimit(5, 5, 3, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
        Long.MAX_VALUE, Integer.MAX_VALUE);
    ResourceFixture f = new ResourceFixture(limitsOn(scope, limit));
    f.inbound();
    f.outbound();
    f.inbound();
    f.assertRefused(scope, "at most 3 connections", Optional.empty(), f::inbound);
    f.assertRefused(scope, "at most 3 connections", Optional.empty(), f::outbound);
  }

  @Test
  void closingAConnectionMakesRoomAgain() {
    ResourceFixture f = new ResourceFixture(limitsOn("system", U.withConnections(1, 1)));
    ConnectionResources first = f.inbound();
    f.assertRefused("system", "at most 1 inbound connections", Optional.empty(), f::inbound);
    first.close();
    f.inbound();
  }

  @Test
  void handshakenConnectionsLeaveTheTransientScope() {
    ResourceFixture f = new ResourceFixture(limitsOn("transient", U.withConnections(1, 1)));
    f.inbound().setPeer(PEER_A);
    f.inbound().setPeer(PEER_A); // the first left the transient scope, so there is room
    ConnectionResources handshaking = f.inbound();
    f.assertRefused("transient", "at most 1 inbound connections", Optional.empty(), f::inbound);
    assertEquals(connections(1, 0), f.manager.transientScope());
    assertEquals(connections(2, 0), f.manager.peers().get(PEER_A));
    handshaking.close();
    f.inbound();
  }

  @Test
  void peerInboundConnectionsRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder()
        .peerDefault(U.withConnections(2, 1)).build());
    f.connectionTo(PEER_A, Direction.INBOUND);
    f.connectionTo(PEER_A, Direction.INBOUND);
    f.connectionTo(PEER_A, Direction.OUTBOUND);
    ConnectionResources third = f.inbound();
    f.assertRefused("peer:" + PEER_A, "at most 2 inbound connections", Optional.of(PEER_A),
        () -> third.setPeer(PEER_A));
    ConnectionResources outbound = f.outbound();
    f.assertRefused("peer:" + PEER_A, "at most 1 outbound connections", Optional.of(PEER_A),
        () -> outbound.setPeer(PEER_A));
    // refused, they stay in the transient scope, and another peer still has room
    assertEquals(connections(1, 1), f.manager.transientScope());
    assertEquals(Optional.empty(), third.peer());
    third.close();
    outbound.close();
    f.connectionTo(PEER_B, Direction.INBOUND);
    f.connectionTo(PEER_B, Direction.INBOUND);
    assertEquals(connections(2, 0), f.manager.peers().get(PEER_B));
    assertEquals(connections(2, 1), f.manager.peers().get(PEER_A));
    assertEquals(ScopeUsage.NONE, f.manager.transientScope());
  }

  @Test
  void peerConnectionsInAllRefusedAtTheLimit() {
    ScopeLimit limit = new ScopeLimit(5, 5, 2, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
        Long.MAX_VALUE, Integer.MAX_VALUE);
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder().peerDefault(limit).build());
    f.connectionTo(PEER_A, Direction.INBOUND);
    f.connectionTo(PEER_A, Direction.OUTBOUND);
    ConnectionResources third = f.outbound();
    f.assertRefused("peer:" + PEER_A, "at most 2 connections", Optional.of(PEER_A), () -> third.setPeer(PEER_A));
  }

  @Test
  void aPeerOfItsOwnHasItsOwnLimits() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder()
        .peerDefault(U.withConnections(1, 1))
        .peer(PEER_B, U.withConnections(3, 3))
        .build());
    f.connectionTo(PEER_A, Direction.INBOUND);
    ConnectionResources second = f.inbound();
    f.assertRefused("peer:" + PEER_A, "at most 1 inbound", Optional.of(PEER_A), () -> second.setPeer(PEER_A));
    for (int i = 0; i < 3; i++) {
      f.connectionTo(PEER_B, Direction.INBOUND);
    }
    ConnectionResources fourth = f.inbound();
    f.assertRefused("peer:" + PEER_B, "at most 3 inbound", Optional.of(PEER_B), () -> fourth.setPeer(PEER_B));
  }

  @Test
  void setPeerTwiceKeepsTheFirstPeer() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited());
    ConnectionResources connection = f.inbound();
    connection.setPeer(PEER_A);
    connection.setPeer(PEER_B);
    assertEquals(Optional.of(PEER_A), connection.peer());
    assertEquals(Map.of(PEER_A, connections(1, 0)), f.manager.peers());
    connection.close();
    f.assertEmpty();
  }

  @Test
  void setPeerAfterCloseFailsTheUpgradeAndCountsNothing() {
    // A full transient scope evicted the connection while it was upgrading: the upgrade must fail.
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited());
    ConnectionResources connection = f.inbound();
    connection.close();
    assertThrows(io.jlibp2p.core.LimitExceededException.class, () -> connection.setPeer(PEER_A));
    f.assertEmpty();
  }

  @Test
  void fileDescriptorsCountAtTheSystemOnly() {
    ResourceFixture f = new ResourceFixture(limitsOn("system", U.withFileDescriptors(2)));
    f.connectionTo(PEER_A, Direction.INBOUND);
    f.outbound();
    f.assertRefused("system", "at most 2 file descriptors", Optional.empty(), f::inbound);
    f.assertRefused("system", "at most 2 file descriptors", Optional.empty(), f::outbound);
    assertEquals(new ScopeUsage(1, 1, 0, 0, 0, 2), f.manager.system());
    assertEquals(connections(0, 1), f.manager.transientScope());
    assertEquals(connections(1, 0), f.manager.peers().get(PEER_A));
  }

  @Test
  void inboundConnectionsPerIpRefusedAtTheLimit() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder().inboundConnectionsPerIp(2).build());
    Multiaddr sameHost = Multiaddr.fromString("/ip4/192.0.2.7/tcp/5000");
    ConnectionResources first = f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.7"));
    ConnectionResources second = f.manager.openConnection(Direction.INBOUND, sameHost);
    second.setPeer(PEER_A); // counted whether handshaking or not
    f.assertRefused("ip:192.0.2.7", "at most 2 inbound connections from one address", Optional.empty(),
        () -> f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.7")));
    f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.8"));
    // dialing out to that address does not count against it
    for (int i = 0; i < 5; i++) {
      f.manager.openConnection(Direction.OUTBOUND, tcp("192.0.2.7"));
    }
    first.close();
    first.close(); // once only
    f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.7"));
    f.assertRefused("ip:192.0.2.7", "at most 2 inbound", Optional.empty(),
        () -> f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.7")));
  }

  @Test
  void inboundConnectionsPerIpv6GroupByTheSlash64() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder().inboundConnectionsPerIp(2).build());
    f.manager.openConnection(Direction.INBOUND, tcp6("2001:db8:0:1::1"));
    f.manager.openConnection(Direction.INBOUND, tcp6("2001:db8:0:1:ffff:ffff:ffff:fffe"));
    f.assertRefused("ip:20010db800000001::/64", "at most 2 inbound", Optional.empty(),
        () -> f.manager.openConnection(Direction.INBOUND, tcp6("2001:db8:0:1:abcd::9")));
    f.manager.openConnection(Direction.INBOUND, tcp6("2001:db8:0:2::1"));
    f.manager.openConnection(Direction.INBOUND, tcp6("2001:db8:0:2::1"));
  }

  @Test
  void ipKeys() {
    assertEquals("192.0.2.1", ResourceManager.ipKey(tcp("192.0.2.1")));
    assertEquals("20010db8000000aa::/64", ResourceManager.ipKey(tcp6("2001:db8:0:aa:1:2:3:4")));
    assertEquals(ResourceManager.ipKey(tcp6("2001:db8::1")), ResourceManager.ipKey(tcp6("2001:0db8:0000:0000:ffff::")));
    assertEquals("192.0.2.1", ResourceManager.ipKey(tcp6("::ffff:192.0.2.1")));
    assertNull(ResourceManager.ipKey(Multiaddr.fromString("/dns4/example.com/tcp/4001")));
  }

  @Test
  void addressesWithoutAnIpAreNotCountedPerIp() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder().inboundConnectionsPerIp(1).build());
    for (int i = 0; i < 3; i++) {
      f.manager.openConnection(Direction.INBOUND, Multiaddr.fromString("/dns4/example.com/tcp/4001"));
    }
    assertEquals(connections(3, 0), f.manager.transientScope());
  }

  @Test
  void aRelayedConnectionCountsNeitherPerIpNorAsAFileDescriptor() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder().inboundConnectionsPerIp(1).build());
    // Every circuit through one relay comes from the relay's IP: it is not that peer's address.
    Multiaddr circuit = Multiaddr.fromString("/ip4/192.0.2.9/tcp/4001/p2p/" + PEER_A + "/p2p-circuit");
    for (int i = 0; i < 3; i++) {
      f.manager.openConnection(Direction.INBOUND, circuit);
    }
    f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.9"));
    assertEquals(4, f.manager.system().connectionsInbound());
    assertEquals(1, f.manager.system().fileDescriptors());
  }

  @Test
  void aQuicConnectionCountsPerIpButTakesNoFileDescriptor() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited().toBuilder().inboundConnectionsPerIp(2).build());
    Multiaddr quic = Multiaddr.fromString("/ip4/192.0.2.9/udp/4001/quic-v1");
    f.manager.openConnection(Direction.INBOUND, quic);
    f.manager.openConnection(Direction.INBOUND, quic);
    assertThrows(LimitExceededException.class, () -> f.manager.openConnection(Direction.INBOUND, quic, false));
    assertEquals(2, f.manager.system().connectionsInbound());
    assertEquals(0, f.manager.system().fileDescriptors());
  }

  @Test
  void aScopeRefusalGivesBackTheIpCount() {
    ResourceFixture f = new ResourceFixture(limitsOn("system", U.withConnections(1, 1)).toBuilder()
        .inboundConnectionsPerIp(1).build());
    ConnectionResources other = f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.1"));
    f.assertRefused("system", "at most 1 inbound", Optional.empty(),
        () -> f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.2")));
    other.close();
    // 192.0.2.2 holds nothing, so its one connection is allowed
    f.manager.openConnection(Direction.INBOUND, tcp("192.0.2.2"));
  }

  @Test
  void unlimitedLimitsNothing() {
    ResourceFixture f = new ResourceFixture(ResourceLimits.unlimited());
    List<ConnectionResources> connections = new ArrayList<>();
    List<StreamScope> streams = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ConnectionResources c = f.manager.openConnection(i % 2 == 0 ? Direction.INBOUND : Direction.OUTBOUND,
          tcp("192.0.2.1"));
      c.setPeer(PEER_A);
      c.reserveMemory(1L << 40);
      for (int s = 0; s < 3; s++) {
        StreamScope stream = c.open(Direction.INBOUND);
        stream.setProtocol("/p");
        stream.setService("s");
        streams.add(stream);
      }
      connections.add(c);
    }
    assertEquals(new ScopeUsage(1000, 1000, 6000, 0, 2000L << 40, 2000), f.manager.system());
    assertTrue(f.refusals.isEmpty());
    connections.forEach(ConnectionResources::close);
    assertFalse(f.manager.peers().isEmpty(), "the streams are still open");
    streams.forEach(StreamScope::close);
    f.assertEmpty();
  }

  @Test
  void limitsAreTheOnesGiven() {
    ResourceLimits limits = ResourceLimits.autoscaled(256L << 20, 1024);
    assertTrue(new ResourceManager(limits, (p, e) -> {}).limits() == limits);
  }
}
