package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.connmgr.DecayingValue;
import io.jlibp2p.core.connmgr.TagInfo;
import io.jlibp2p.crypto.PeerId;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What {@link DefaultConnectionManager} tracks about one peer: guarded by the manager's lock, like
 * everything here.
 */
final class PeerState {

  final PeerId peer;
  /** When the grace period began: the first connection, or the first tag until one connects. */
  Instant firstSeen;
  /**
   * Whether this entry only holds tags set before the peer connected (go's {@code temp}): it
   * becomes a real one, with a new {@link #firstSeen}, on the first connection.
   */
  boolean temporary;

  final Map<String, Integer> tags = new HashMap<>();
  final Map<RegisteredDecayingTag, DecayingValue> decaying = new LinkedHashMap<>();
  /** By identity: a host's connection need not define {@code equals}. */
  final Set<ManagedConnection> connections = Collections.newSetFromMap(new IdentityHashMap<>());

  PeerState(PeerId peer, Instant firstSeen, boolean temporary) {
    this.peer = peer;
    this.firstSeen = firstSeen;
    this.temporary = temporary;
  }

  /** The sum of all tags, computed rather than cached: a peer has few tags, and a cache can go stale. */
  long value() {
    long value = 0;
    for (int tag : tags.values()) {
      value += tag;
    }
    for (DecayingValue tag : decaying.values()) {
      value += tag.value();
    }
    return value;
  }

  TagInfo toTagInfo() {
    Map<String, Integer> decayingTags = new HashMap<>();
    decaying.forEach((tag, value) -> decayingTags.put(tag.name(), value.value()));
    return new TagInfo(firstSeen, value(), tags, decayingTags, connections.size());
  }
}
