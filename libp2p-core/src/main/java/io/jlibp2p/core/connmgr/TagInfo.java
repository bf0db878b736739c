package io.jlibp2p.core.connmgr;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What the connection manager holds about one peer, as {@link ConnectionManager#tagInfo} reports
 * it: a snapshot, not updated afterwards.
 *
 * @param firstSeen when the manager began tracking the peer: its first connection, or the first
 *     tag if that came before any connection
 * @param value the peer's worth when trimming, the sum of {@code tags} and {@code decayingTags};
 *     a {@code long} so that many large tags cannot overflow it
 * @param tags the values set with {@link ConnectionManager#tagPeer} and {@link
 *     ConnectionManager#upsertTag}, by tag
 * @param decayingTags the current values of the peer's {@link DecayingTag}s, by tag name
 * @param connections how many connections to the peer the manager tracks
 */
public record TagInfo(
    Instant firstSeen, long value, Map<String, Integer> tags, Map<String, Integer> decayingTags, int connections) {

  public TagInfo {
    Objects.requireNonNull(firstSeen, "firstSeen");
    tags = Map.copyOf(tags);
    decayingTags = Map.copyOf(decayingTags);
  }
}
