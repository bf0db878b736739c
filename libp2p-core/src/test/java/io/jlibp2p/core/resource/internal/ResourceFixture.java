package io.jlibp2p.core.resource.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ResourceUsage;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.function.Executable;

/** A resource manager under test, the refusals it reported, and helpers to check its counts. */
final class ResourceFixture {

  static final PeerId PEER_A = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  static final PeerId PEER_B = PeerId.fromPublicKey(PrivateKey.generate().publicKey());

  /** One refusal as the manager reported it. */
  record Refusal(Optional<PeerId> peer, LimitExceededException exception) {}

  /** Every count of every scope at one moment. */
  record Snapshot(ScopeUsage system, ScopeUsage transientScope, Map<PeerId, ScopeUsage> peers,
      Map<String, ScopeUsage> protocols, Map<String, ScopeUsage> services) {

    static Snapshot of(ResourceUsage usage) {
      return new Snapshot(usage.system(), usage.transientScope(), usage.peers(), usage.protocols(), usage.services());
    }

    static final Snapshot EMPTY = new Snapshot(ScopeUsage.NONE, ScopeUsage.NONE, Map.of(), Map.of(), Map.of());
  }

  final List<Refusal> refusals = new CopyOnWriteArrayList<>();
  final ResourceManager manager;

  ResourceFixture(ResourceLimits limits) {
    this.manager = new ResourceManager(limits, (peer, e) -> refusals.add(new Refusal(peer, e)));
  }

  static Multiaddr tcp(String ip4) {
    return Multiaddr.fromString("/ip4/" + ip4 + "/tcp/4001");
  }

  static Multiaddr tcp6(String ip6) {
    return Multiaddr.fromString("/ip6/" + ip6 + "/tcp/4001");
  }

  private int nextAddress = 1;

  /** An address of its own for each connection, so that the per-IP limit stays out of the way. */
  Multiaddr freshAddress() {
    int n = nextAddress++;
    return tcp("10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255));
  }

  ConnectionResources inbound() {
    return manager.openConnection(Direction.INBOUND, freshAddress());
  }

  ConnectionResources outbound() {
    return manager.openConnection(Direction.OUTBOUND, freshAddress());
  }

  ConnectionResources connectionTo(PeerId peer, Direction direction) {
    ConnectionResources connection = manager.openConnection(direction, freshAddress());
    connection.setPeer(peer);
    return connection;
  }

  Snapshot snapshot() {
    return Snapshot.of(manager);
  }

  /**
   * Runs {@code action}, expects a refusal by {@code scope} whose message contains {@code limit},
   * reported once with {@code peer}, and that no count changed.
   */
  LimitExceededException assertRefused(String scope, String limit, Optional<PeerId> peer, Executable action) {
    Snapshot before = snapshot();
    int reported = refusals.size();
    LimitExceededException e = assertThrows(LimitExceededException.class, action);
    assertEquals(Optional.of(scope), e.scope());
    assertTrue(e.getMessage().startsWith("resource limit of " + scope + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(limit), () -> "'" + e.getMessage() + "' should contain '" + limit + "'");
    assertEquals(reported + 1, refusals.size(), "the refusal is reported once");
    Refusal refusal = refusals.get(refusals.size() - 1);
    assertEquals(peer, refusal.peer());
    assertTrue(refusal.exception() == e, "the reported exception is the thrown one");
    assertEquals(before, snapshot(), "a refusal changes no count");
    return e;
  }

  void assertEmpty() {
    assertEquals(Snapshot.EMPTY, snapshot());
  }

  static ScopeUsage connections(int inbound, int outbound) {
    return new ScopeUsage(inbound, outbound, 0, 0, 0, 0);
  }

  static ScopeUsage streams(int inbound, int outbound) {
    return new ScopeUsage(0, 0, inbound, outbound, 0, 0);
  }

  /** {@code usage} without the file descriptors that only the system scope counts. */
  static ScopeUsage withoutFileDescriptors(ScopeUsage usage) {
    return new ScopeUsage(usage.connectionsInbound(), usage.connectionsOutbound(), usage.streamsInbound(),
        usage.streamsOutbound(), usage.memory(), 0);
  }
}
