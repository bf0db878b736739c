package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.connmgr.DecayingValue;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decaying tags of a {@link DefaultConnectionManager} by name, and the decay passes over its
 * peers (go's {@code decayer}, without its goroutine: the host's ticks drive it). Guarded by the
 * manager's lock.
 */
final class DecayingTagRegistry {

  private static final Logger log = LoggerFactory.getLogger(DecayingTagRegistry.class);

  private final Duration resolution;
  private final Map<String, RegisteredDecayingTag> tags = new HashMap<>();
  private Instant nextPass;

  DecayingTagRegistry(Duration resolution, Instant now) {
    this.resolution = resolution;
    this.nextPass = now.plus(resolution);
  }

  /** The interval a tag asked for, raised to the resolution if shorter (go does the same). */
  Duration effectiveInterval(String name, Duration interval) {
    if (interval.compareTo(resolution) >= 0) {
      return interval;
    }
    log.warn("Decaying tag '{}': interval {} is shorter than the decay resolution; it decays every {}",
        name, interval, resolution);
    return resolution;
  }

  void add(RegisteredDecayingTag tag) {
    if (tags.putIfAbsent(tag.name(), tag) != null) {
      throw new IllegalArgumentException(
          "a decaying tag named '" + tag.name() + "' is already registered; close it first or choose another name");
    }
  }

  /** Forgets the tag and takes it from every peer. */
  void remove(RegisteredDecayingTag tag, Collection<PeerState> peers) {
    tags.remove(tag.name(), tag);
    for (PeerState state : peers) {
      state.decaying.remove(tag);
    }
  }

  /**
   * Decays the tags that are due, at most once per resolution. A host that did not tick for several
   * intervals catches up one step per pass, as go's decayer does.
   */
  void decayIfDue(Instant now, Collection<PeerState> peers) {
    if (now.isBefore(nextPass)) {
      return;
    }
    // On the resolution's grid while ticks keep up, so that late ticks do not push passes later.
    nextPass = nextPass.plus(resolution);
    if (!nextPass.isAfter(now)) {
      nextPass = now.plus(resolution);
    }
    Set<RegisteredDecayingTag> due = new HashSet<>();
    for (RegisteredDecayingTag tag : tags.values()) {
      if (!tag.nextDecay.isAfter(now)) {
        due.add(tag);
        tag.nextDecay = tag.nextDecay.plus(tag.interval());
      }
    }
    if (due.isEmpty()) {
      return;
    }
    for (PeerState state : peers) {
      state.decaying.entrySet().removeIf(entry -> due.contains(entry.getKey()) && !decayOnce(entry, now));
    }
  }

  /** Applies one decay step to the entry; false if the tag leaves the peer. */
  private static boolean decayOnce(Map.Entry<RegisteredDecayingTag, DecayingValue> entry, Instant now) {
    DecayingValue value = entry.getValue();
    OptionalInt after;
    try {
      after = entry.getKey().decay.decay(value, now);
    } catch (RuntimeException e) {
      log.warn("Decay function of tag '{}' failed for {}; value kept", value.tag(), value.peer(), e);
      return true;
    }
    if (after.isEmpty()) {
      return false;
    }
    entry.setValue(new DecayingValue(value.tag(), value.peer(), value.added(), value.lastBumped(), after.getAsInt()));
    return true;
  }
}
