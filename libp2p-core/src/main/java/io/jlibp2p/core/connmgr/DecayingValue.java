package io.jlibp2p.core.connmgr;

import io.jlibp2p.crypto.PeerId;
import java.time.Instant;
import java.util.Objects;

/**
 * A decaying tag's value for one peer, as {@link DecayFunction}s and {@link BumpFunction}s see it.
 *
 * @param tag the {@link DecayingTag#name()}
 * @param peer the peer it belongs to
 * @param added when the peer was first bumped with this tag
 * @param lastBumped when the peer was last bumped with this tag (decay steps do not count)
 * @param value the current value
 */
public record DecayingValue(String tag, PeerId peer, Instant added, Instant lastBumped, int value) {

  public DecayingValue {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(added, "added");
    Objects.requireNonNull(lastBumped, "lastBumped");
  }
}
