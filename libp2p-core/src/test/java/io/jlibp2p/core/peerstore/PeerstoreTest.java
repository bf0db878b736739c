package io.jlibp2p.core.peerstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PeerstoreTest {

  private final ManualClock clock = new ManualClock();
  private final Peerstore store = Peerstore.builder().clock(clock).build();
  private final PrivateKey key = PrivateKey.generate();
  private final PeerId peer = PeerId.fromPublicKey(key.publicKey());

  private static Multiaddr tcp(int port) {
    return Multiaddr.fromString("/ip4/10.0.0.1/tcp/" + port);
  }

  private SignedPeerRecord record(long seq, Multiaddr... addresses) {
    return SignedPeerRecord.seal(new PeerRecord(peer, seq, List.of(addresses)), key);
  }

  @Test
  void addressesExpireAfterTheirTtl() {
    store.addAddresses(peer, List.of(tcp(1)), Duration.ofMinutes(1));
    store.addAddresses(peer, List.of(tcp(2)), Duration.ofMinutes(10));
    clock.advance(Duration.ofMinutes(2));
    assertEquals(List.of(tcp(2)), store.addresses(peer));
    clock.advance(Duration.ofMinutes(10));
    assertEquals(List.of(), store.addresses(peer));
  }

  @Test
  void aKnownAddressKeepsTheLaterExpiry() {
    store.addAddresses(peer, List.of(tcp(1)), Duration.ofMinutes(10));
    store.addAddresses(peer, List.of(tcp(1)), Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(5));
    assertEquals(List.of(tcp(1)), store.addresses(peer));
  }

  @Test
  void aTrailingPeerIdIsDroppedAndAnotherPeersIsRefused() {
    store.addAddresses(peer, List.of(peer.appendTo(tcp(1))), Peerstore.PERMANENT_TTL);
    assertEquals(List.of(tcp(1)), store.addresses(peer));
    PeerId other = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    assertThrows(IllegalArgumentException.class, () -> store.addAddresses(peer, List.of(other.appendTo(tcp(2))), Peerstore.PERMANENT_TTL));
  }

  @Test
  void connectedAddressesBecomeRecentlyConnectedWhenTheConnectionCloses() {
    store.addAddresses(peer, List.of(tcp(1)), Peerstore.CONNECTED_TTL);
    store.addAddresses(peer, List.of(tcp(2)), Peerstore.PERMANENT_TTL);
    store.updateTtl(peer, Peerstore.CONNECTED_TTL, Peerstore.RECENTLY_CONNECTED_TTL);
    clock.advance(Peerstore.RECENTLY_CONNECTED_TTL.plusSeconds(1));
    assertEquals(List.of(tcp(2)), store.addresses(peer));
  }

  @Test
  void certifiedAddressesComeFirst() {
    store.addAddresses(peer, List.of(tcp(1), tcp(2)), Peerstore.PERMANENT_TTL);
    assertTrue(store.consumePeerRecord(record(1, tcp(3), tcp(2)), Peerstore.PERMANENT_TTL));
    assertEquals(List.of(tcp(2), tcp(3), tcp(1)), store.addresses(peer));
    assertEquals(Optional.of(key.publicKey()), store.publicKey(peer));
  }

  @Test
  void aNewerRecordReplacesTheCertifiedAddresses() {
    store.consumePeerRecord(record(1, tcp(1), tcp(2)), Peerstore.PERMANENT_TTL);
    SignedPeerRecord newer = record(2, tcp(2), tcp(3));
    assertTrue(store.consumePeerRecord(newer, Peerstore.PERMANENT_TTL));
    assertEquals(List.of(tcp(2), tcp(3)), store.addresses(peer));
    assertEquals(Optional.of(newer), store.peerRecord(peer));
  }

  @Test
  void aRecordWhoseSequenceNumberGoesBackwardsIsRefused() {
    SignedPeerRecord current = record(10, tcp(1));
    store.consumePeerRecord(current, Peerstore.PERMANENT_TTL);
    assertFalse(store.consumePeerRecord(record(9, tcp(9)), Peerstore.PERMANENT_TTL));
    assertFalse(store.consumePeerRecord(record(10, tcp(8)), Peerstore.PERMANENT_TTL), "an equal seq with other content");
    assertEquals(List.of(tcp(1)), store.addresses(peer));
    assertEquals(Optional.of(current), store.peerRecord(peer));
  }

  @Test
  void theSameRecordAgainRefreshesItsAddresses() {
    SignedPeerRecord current = record(10, tcp(1));
    store.consumePeerRecord(current, Duration.ofMinutes(1));
    clock.advance(Duration.ofSeconds(50));
    assertTrue(store.consumePeerRecord(current, Duration.ofMinutes(1)));
    clock.advance(Duration.ofSeconds(50));
    assertEquals(List.of(tcp(1)), store.addresses(peer));
  }

  @Test
  void eachPeerKeepsABoundedNumberOfAddressesPreferringCertifiedOnes() {
    store.consumePeerRecord(record(1, tcp(1)), Peerstore.PERMANENT_TTL);
    store.addAddresses(peer, IntStream.range(100, 300).mapToObj(PeerstoreTest::tcp).toList(), Duration.ofHours(1));
    List<Multiaddr> kept = store.addresses(peer);
    assertEquals(Peerstore.MAX_ADDRESSES_PER_PEER, kept.size());
    assertEquals(tcp(1), kept.get(0));
  }

  @Test
  void theLeastRecentlyUsedPeerIsForgottenBeyondTheBound() {
    Peerstore small = Peerstore.builder().maxPeers(2).build();
    PeerId a = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    PeerId b = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    PeerId c = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    small.setProtocols(a, List.of("/a"));
    small.setProtocols(b, List.of("/b"));
    small.protocols(a); // a is now more recently used than b
    small.setProtocols(c, List.of("/c"));
    assertEquals(Set.of(a, c), Set.copyOf(small.peers()));
    assertEquals(2, small.size());
  }

  @Test
  void aKeyThatIsNotThePeersIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> store.addPublicKey(peer, PrivateKey.generate().publicKey()));
    store.addPublicKey(peer, key.publicKey());
    assertEquals(Optional.of(key.publicKey()), store.publicKey(peer));
  }

  @Test
  void anInlinedKeyIsKnownWithoutBeingAdded() {
    assertEquals(Optional.of(key.publicKey()), store.publicKey(peer), "ed25519 peer IDs inline their key");
    assertFalse(store.contains(peer));
  }

  @Test
  void protocolsCanBeSetAddedAndRemoved() {
    store.setProtocols(peer, List.of("/a", "/b"));
    store.addProtocols(peer, List.of("/c"));
    store.removeProtocols(peer, List.of("/a"));
    assertEquals(Set.of("/b", "/c"), store.protocols(peer));
    assertTrue(store.supports(peer, "/c"));
    assertFalse(store.supports(peer, "/a"));
    store.setProtocols(peer, IntStream.range(0, 1000).mapToObj(i -> "/p/" + i).toList());
    assertEquals(Peerstore.MAX_PROTOCOLS_PER_PEER, store.protocols(peer).size());
  }

  @Test
  void metadataIsKeptPerPeer() {
    assertEquals(PeerMetadata.EMPTY, store.metadata(peer));
    PeerMetadata metadata = new PeerMetadata(Optional.of("go-libp2p/0.42.0"), Optional.of("ipfs/0.1.0"), Optional.of(clock.instant()));
    store.setMetadata(peer, metadata);
    assertEquals(metadata, store.metadata(peer));
    store.remove(peer);
    assertEquals(PeerMetadata.EMPTY, store.metadata(peer));
  }
}
