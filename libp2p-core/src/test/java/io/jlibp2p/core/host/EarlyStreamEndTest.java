package io.jlibp2p.core.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.peerstore.PeerMetadata;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EarlyStreamEndTest {

  private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate().publicKey());

  private static PeerMetadata agent(String agentVersion) {
    return new PeerMetadata(Optional.of(agentVersion), Optional.of("ipfs/0.1.0"), Optional.empty());
  }

  @Test
  void knownPeersAreThoseWhoseAgentVersionHasAJlibp2pWord() {
    assertTrue(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("jlibp2p/0.1.0")));
    assertTrue(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("myapp/2.1 jlibp2p/0.1.0")));
    assertTrue(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("myapp/2.1\tjlibp2p/0.1.0-SNAPSHOT")));
  }

  @Test
  void jsAndUnidentifiedPeersAreNotKnown() {
    assertFalse(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("js-libp2p/3.3.11 UserAgent=v20.20.2")));
    assertFalse(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("lodestar/v1.30.0/linux-x64/nodejs")));
    assertFalse(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("notjlibp2p/1.0")), "a word's start, not its middle");
    assertFalse(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, agent("")));
    assertFalse(EarlyStreamEnd.KNOWN_PEERS.allowedFor(PEER, PeerMetadata.EMPTY), "never identified");
  }

  @Test
  void forAgentsTakesEachPrefixAsAWordStart() {
    EarlyStreamEnd rule = EarlyStreamEnd.forAgents("jlibp2p/", "rust-libp2p/");
    assertTrue(rule.allowedFor(PEER, agent("rust-libp2p/0.56.0")));
    assertTrue(rule.allowedFor(PEER, agent("jlibp2p/0.1.0")));
    assertFalse(rule.allowedFor(PEER, agent("github.com/ipfs/kubo@v0.38.0")));
  }

  @Test
  void forAgentsRefusesPrefixesThatCannotMatchAWord() {
    assertThrows(IllegalArgumentException.class, () -> EarlyStreamEnd.forAgents(""));
    assertThrows(IllegalArgumentException.class, () -> EarlyStreamEnd.forAgents("js libp2p"));
  }

  @Test
  void alwaysAndNeverIgnoreTheAgent() {
    assertTrue(EarlyStreamEnd.ALWAYS.allowedFor(PEER, PeerMetadata.EMPTY));
    assertFalse(EarlyStreamEnd.NEVER.allowedFor(PEER, agent("jlibp2p/0.1.0")));
  }
}
