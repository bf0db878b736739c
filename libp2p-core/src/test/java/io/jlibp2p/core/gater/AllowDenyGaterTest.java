package io.jlibp2p.core.gater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AllowDenyGaterTest {

  private static final Multiaddr LOCAL = Multiaddr.fromString("/ip4/0.0.0.0/tcp/4001");
  private static final Multiaddr LAN = Multiaddr.fromString("/ip4/192.168.1.20/tcp/4001");
  private static final Multiaddr PRIVATE = Multiaddr.fromString("/ip4/10.1.2.3/tcp/4001");
  private static final Multiaddr PUBLIC = Multiaddr.fromString("/ip4/8.8.8.8/tcp/4001");
  private static final Multiaddr PUBLIC_V6 = Multiaddr.fromString("/ip6/2001:db8::1/udp/4001/quic-v1");
  private static final Multiaddr DNS = Multiaddr.fromString("/dns4/example.com/tcp/4001");

  private final PeerId alice = newPeer();
  private final PeerId bob = newPeer();
  private final PeerId carol = newPeer();

  private static PeerId newPeer() {
    return PeerId.fromPublicKey(PrivateKey.generate().publicKey());
  }

  /** What each of the four hooks says for {@code peer} at {@code address}, in hook order. */
  private static List<Boolean> verdicts(ConnectionGater gater, PeerId peer, Multiaddr address) {
    return List.of(gater.allowDialPeer(peer), gater.allowDialAddress(Optional.of(peer), address),
        gater.allowAccept(LOCAL, address), gater.allowSecured(Direction.INBOUND, peer, address));
  }

  private static final List<Boolean> ALL_ALLOWED = List.of(true, true, true, true);

  @Test
  void allowAllAllowsEverything() {
    assertEquals(ALL_ALLOWED, verdicts(ConnectionGater.ALLOW_ALL, alice, PRIVATE));
    assertTrue(ConnectionGater.ALLOW_ALL.allowUpgraded(null));
  }

  @Test
  void anEmptyDenyListAllowsEverything() {
    AllowDenyGater gater = AllowDenyGater.builder().build();
    assertEquals(AllowDenyGater.Mode.DENY_LIST, gater.mode());
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, PRIVATE));
    assertEquals(ALL_ALLOWED, verdicts(gater, bob, DNS));
  }

  @Test
  void aDeniedPeerIsRefusedWhereverThePeerIsKnown() {
    AllowDenyGater gater = AllowDenyGater.builder().denyPeer(alice).build();
    // Accept does not know the peer yet; secured refuses it.
    assertEquals(List.of(false, false, true, false), verdicts(gater, alice, PUBLIC));
    assertEquals(List.of(false, false, true, false), verdicts(gater, alice, DNS));
    assertEquals(ALL_ALLOWED, verdicts(gater, bob, PUBLIC));
  }

  @Test
  void aDialWithoutANamedPeerIsMatchedByTheAddressPeerId() {
    AllowDenyGater gater = AllowDenyGater.builder().denyPeer(alice).build();
    assertFalse(gater.allowDialAddress(Optional.empty(), alice.appendTo(PUBLIC)));
    assertTrue(gater.allowDialAddress(Optional.empty(), bob.appendTo(PUBLIC)));
    assertTrue(gater.allowDialAddress(Optional.empty(), PUBLIC));
  }

  @Test
  void aDeniedSubnetIsRefusedWhereverTheAddressIsKnown() {
    AllowDenyGater gater = AllowDenyGater.builder().denySubnet("10.0.0.0/8").denySubnet("2001:db8::/32").build();
    assertEquals(List.of(true, false, false, false), verdicts(gater, alice, PRIVATE));
    assertEquals(List.of(true, false, false, false), verdicts(gater, alice, PUBLIC_V6));
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, PUBLIC));
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, LAN));
  }

  @Test
  void anAddressWithoutIpIsMatchedByPeerOnly() {
    AllowDenyGater denyAll = AllowDenyGater.builder().denySubnet("0.0.0.0/0").denySubnet("::/0").build();
    assertEquals(ALL_ALLOWED, verdicts(denyAll, alice, DNS));
    assertEquals(List.of(true, false, false, false), verdicts(denyAll, alice, PUBLIC));

    AllowDenyGater allowEverySubnet = AllowDenyGater.allowListBuilder().allowSubnet("0.0.0.0/0").build();
    assertFalse(allowEverySubnet.allowDialAddress(Optional.of(alice), DNS));
    AllowDenyGater allowAlice = AllowDenyGater.allowListBuilder().allowPeer(alice).build();
    assertTrue(allowAlice.allowDialAddress(Optional.of(alice), DNS));
  }

  @Test
  void anEmptyAllowListRefusesEverything() {
    AllowDenyGater gater = AllowDenyGater.allowListBuilder().build();
    assertEquals(AllowDenyGater.Mode.ALLOW_LIST, gater.mode());
    assertEquals(List.of(false, false, false, false), verdicts(gater, alice, LAN));
    assertEquals(List.of(false, false, false, false), verdicts(gater, alice, DNS));
  }

  @Test
  void anAllowListOfPeersLetsThemThroughFromAnyAddress() {
    AllowDenyGater gater = AllowDenyGater.allowListBuilder().allowPeer(alice).build();
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, PUBLIC));
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, PUBLIC_V6));
    // Accept cannot tell bob from alice yet, so it lets the connection on to the handshake.
    assertEquals(List.of(false, false, true, false), verdicts(gater, bob, PUBLIC));
    // A dial naming no peer may still reach alice: secured decides.
    assertTrue(gater.allowDialAddress(Optional.empty(), PUBLIC));
    assertFalse(gater.allowDialAddress(Optional.empty(), bob.appendTo(PUBLIC)));
  }

  @Test
  void anAllowListOfSubnetsLetsAnyPeerThroughFromThem() {
    AllowDenyGater gater = AllowDenyGater.allowListBuilder().allowSubnet("192.168.0.0/16").build();
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, LAN));
    // The peer step cannot know the address yet; the address step refuses.
    assertEquals(List.of(true, false, false, false), verdicts(gater, alice, PUBLIC));
    assertEquals(List.of(true, false, false, false), verdicts(gater, bob, PRIVATE));
  }

  @Test
  void allowedPeersAndSubnetsAreAlternatives() {
    AllowDenyGater gater = AllowDenyGater.allowListBuilder().allowPeer(alice).allowSubnet("192.168.0.0/16").build();
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, PUBLIC));
    assertEquals(ALL_ALLOWED, verdicts(gater, bob, LAN));
    assertFalse(gater.allowSecured(Direction.OUTBOUND, bob, PUBLIC));
    assertFalse(gater.allowDialAddress(Optional.of(bob), PUBLIC));
  }

  @Test
  void denyWinsOverAllow() {
    AllowDenyGater gater = AllowDenyGater.allowListBuilder()
        .allowPeer(alice).allowPeer(bob)
        .allowSubnet("192.168.0.0/16")
        .denyPeer(bob)
        .denySubnet("192.168.66.0/24")
        .build();
    Multiaddr deniedLan = Multiaddr.fromString("/ip4/192.168.66.1/tcp/1");
    assertEquals(List.of(false, false, true, false), verdicts(gater, bob, LAN));
    assertEquals(List.of(true, false, false, false), verdicts(gater, alice, deniedLan));
    assertEquals(List.of(true, false, false, false), verdicts(gater, carol, deniedLan));
    assertEquals(ALL_ALLOWED, verdicts(gater, alice, PUBLIC));
    assertEquals(ALL_ALLOWED, verdicts(gater, carol, LAN));
  }

  @Test
  void aDenyListRefusesAllowEntries() {
    IllegalStateException built = assertThrows(IllegalStateException.class,
        () -> AllowDenyGater.builder().allowPeer(alice).build());
    assertTrue(built.getMessage().contains("allowListBuilder()"), built.getMessage());
    assertThrows(IllegalStateException.class, () -> AllowDenyGater.builder().allowSubnet("10.0.0.0/8").build());
    AllowDenyGater gater = AllowDenyGater.builder().build();
    assertThrows(IllegalStateException.class, () -> gater.allowPeer(alice));
    assertThrows(IllegalStateException.class, () -> gater.allowSubnet(IpSubnet.parse("10.0.0.0/8")));
    assertEquals(Set.of(), gater.allowedPeers());
  }

  @Test
  void badCidrTextFailsInTheBuilder() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AllowDenyGater.builder().denySubnet("10.0.0.0/40"));
    assertTrue(e.getMessage().contains("10.0.0.0/40"), e.getMessage());
  }

  @Test
  void listsChangeAtRuntime() {
    AllowDenyGater gater = AllowDenyGater.builder().build();
    assertTrue(gater.allowSecured(Direction.INBOUND, alice, PUBLIC));
    assertTrue(gater.denyPeer(alice));
    assertFalse(gater.denyPeer(alice));
    assertFalse(gater.allowSecured(Direction.INBOUND, alice, PUBLIC));
    assertEquals(Set.of(alice), gater.deniedPeers());
    assertTrue(gater.removeDeniedPeer(alice));
    assertTrue(gater.allowSecured(Direction.INBOUND, alice, PUBLIC));

    assertTrue(gater.denySubnet(IpSubnet.parse("8.0.0.0/8")));
    assertFalse(gater.allowAccept(LOCAL, PUBLIC));
    // The same subnet, however it was spelled.
    assertTrue(gater.removeDeniedSubnet(IpSubnet.parse("8.8.0.0/8")));
    assertTrue(gater.allowAccept(LOCAL, PUBLIC));

    AllowDenyGater allowList = AllowDenyGater.allowListBuilder().build();
    assertFalse(allowList.allowAccept(LOCAL, LAN));
    allowList.allowSubnet(IpSubnet.parse("192.168.0.0/16"));
    assertTrue(allowList.allowAccept(LOCAL, LAN));
    assertEquals(Set.of(IpSubnet.parse("192.168.0.0/16")), allowList.allowedSubnets());
    allowList.allowPeer(bob);
    assertTrue(allowList.allowSecured(Direction.OUTBOUND, bob, PUBLIC));
    assertTrue(allowList.removeAllowedPeer(bob));
    assertTrue(allowList.removeAllowedSubnet(IpSubnet.parse("192.168.0.0/16")));
    assertEquals(List.of(false, false, false, false), verdicts(allowList, bob, LAN));
  }

  @Test
  void snapshotsDoNotFollowChanges() {
    AllowDenyGater gater = AllowDenyGater.builder().denyPeer(alice).build();
    Set<PeerId> before = gater.deniedPeers();
    gater.denyPeer(bob);
    assertEquals(Set.of(alice), before);
    assertEquals(Set.of(alice, bob), gater.deniedPeers());
  }

  @Test
  void builtGatersAreIndependentOfTheirBuilderAndEachOther() {
    AllowDenyGater.Builder builder = AllowDenyGater.builder().denyPeer(alice);
    AllowDenyGater first = builder.build();
    builder.denyPeer(bob);
    AllowDenyGater second = builder.build();
    first.denyPeer(carol);
    assertEquals(Set.of(alice, carol), first.deniedPeers());
    assertEquals(Set.of(alice, bob), second.deniedPeers());

    AllowDenyGater derived = first.newBuilder().denySubnet("10.0.0.0/8").build();
    assertEquals(Set.of(alice, carol), derived.deniedPeers());
    assertEquals(Set.of(IpSubnet.parse("10.0.0.0/8")), derived.deniedSubnets());
    assertEquals(Set.of(), first.deniedSubnets());
  }

  @Test
  void concurrentChangesAreAllKept() throws Exception {
    AllowDenyGater gater = AllowDenyGater.builder().build();
    List<PeerId> peers = IntStream.range(0, 200).mapToObj(i -> newPeer()).toList();
    CompletableFuture<?>[] writers = IntStream.range(0, 4)
        .mapToObj(w -> CompletableFuture.runAsync(() -> {
          for (int i = w; i < peers.size(); i += 4) {
            gater.denyPeer(peers.get(i));
            gater.allowSecured(Direction.INBOUND, peers.get(i), PUBLIC);
          }
        }))
        .toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(writers).get();
    assertEquals(Set.copyOf(peers), gater.deniedPeers());
    assertTrue(peers.stream().noneMatch(p -> gater.allowDialPeer(p)));
  }
}
