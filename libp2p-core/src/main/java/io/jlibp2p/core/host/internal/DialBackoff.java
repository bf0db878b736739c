package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.transport.DialBackoffException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Remembers failed dials per (peer, address) and refuses to redial an address that failed recently,
 * as go-libp2p's swarm {@code DialBackoff} does. After the n-th failure in a row the address is
 * backed off for {@code base + coefficient × (n - 1)²}, at most {@code max}: with go's defaults 5 s,
 * 6 s, 9 s, 14 s, ... up to 5 minutes. A successful dial of the peer forgets all of its failures.
 *
 * <p>An entry outlives its backoff by {@code max}, as in go: an address that fails again soon after
 * its backoff ended backs off longer, and one that stays quiet for that long starts over at {@code
 * base}. At most {@code maxEntries} entries are kept; beyond that the one whose last failure is
 * oldest is forgotten, so a flood of unreachable addresses costs bounded memory (and at worst an
 * early redial).
 *
 * <p>Thread-safe: every method holds one lock for a few map operations, cheap enough for event
 * loops. Time comes from the injected {@link Clock}.
 */
final class DialBackoff {

  /** go-libp2p's {@code BackoffBase}: the backoff after the first failure. */
  static final Duration DEFAULT_BASE = Duration.ofSeconds(5);

  /** go-libp2p's {@code BackoffCoef}: grows the backoff by the square of the earlier failures. */
  static final Duration DEFAULT_COEFFICIENT = Duration.ofSeconds(1);

  /** go-libp2p's {@code BackoffMax}: the longest backoff. */
  static final Duration DEFAULT_MAX = Duration.ofMinutes(5);

  /** Entries kept at most. */
  static final int DEFAULT_MAX_ENTRIES = 10_000;

  private record Key(PeerId peer, Multiaddr address) {}

  private static final class Entry {
    int failures;
    Instant until;

    /** When the entry is forgotten: {@code max} after its backoff ended. */
    Instant forgetAt;
  }

  private final Clock clock;
  private final Duration base;
  private final Duration coefficient;
  private final Duration max;
  private final int maxEntries;

  /** In order of last failure, oldest first; every access holds the lock on {@code this}. */
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

  /** The addresses of each peer in {@link #entries}, so that {@link #succeeded} need not scan. */
  private final Map<PeerId, Set<Multiaddr>> addressesByPeer = new HashMap<>();

  /** Go's defaults: 5 s + 1 s × (n - 1)², at most 5 minutes, 10,000 entries. */
  DialBackoff(Clock clock) {
    this(clock, DEFAULT_BASE, DEFAULT_COEFFICIENT, DEFAULT_MAX, DEFAULT_MAX_ENTRIES);
  }

  /**
   * Go's shape scaled to {@code base}: the coefficient a fifth of it and the cap 60 times it (for
   * 5 s, go's 1 s and 5 min). A zero base backs off nothing.
   */
  static DialBackoff scaled(Clock clock, Duration base) {
    return new DialBackoff(clock, base, base.dividedBy(5), base.multipliedBy(60), DEFAULT_MAX_ENTRIES);
  }

  /**
   * @throws IllegalArgumentException if a duration is negative, {@code max} is shorter than {@code
   *     base}, or {@code maxEntries} is less than 1
   */
  DialBackoff(Clock clock, Duration base, Duration coefficient, Duration max, int maxEntries) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (base.isNegative() || coefficient.isNegative()) {
      throw new IllegalArgumentException("dial backoff base and coefficient must not be negative, got base "
          + base + " and coefficient " + coefficient);
    }
    if (max.compareTo(base) < 0) {
      throw new IllegalArgumentException("dial backoff max " + max + " must not be shorter than its base " + base);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("dial backoff maxEntries must be at least 1, got " + maxEntries);
    }
    this.base = base;
    this.coefficient = coefficient;
    this.max = max;
    this.maxEntries = maxEntries;
  }

  /** How long dials of {@code peer} at {@code address} are still backed off, or empty if not. */
  synchronized Optional<Duration> backoffRemaining(PeerId peer, Multiaddr address) {
    Instant now = clock.instant();
    Entry entry = live(key(peer, address), now);
    return entry != null && now.isBefore(entry.until) ? Optional.of(Duration.between(now, entry.until)) : Optional.empty();
  }

  /**
   * Does nothing if {@code peer} may be dialed at {@code address} now.
   *
   * @throws DialBackoffException naming the peer, the address and until when, if it is backed off
   */
  void check(PeerId peer, Multiaddr address) {
    Instant until;
    int failures;
    synchronized (this) {
      Instant now = clock.instant();
      Entry entry = live(key(peer, address), now);
      if (entry == null || !now.isBefore(entry.until)) {
        return;
      }
      until = entry.until;
      failures = entry.failures;
    }
    throw new DialBackoffException(peer, address, until, failures);
  }

  /**
   * Records that dialing {@code peer} at {@code address} failed, and backs the address off.
   *
   * @return how long it is backed off for
   */
  synchronized Duration failed(PeerId peer, Multiaddr address) {
    Instant now = clock.instant();
    pruneOldest(now);
    Key key = key(peer, address);
    Entry entry = live(key, now);
    if (entry == null) {
      entry = new Entry();
    } else {
      // Moves it to the end: the order is that of last failure.
      entries.remove(key);
    }
    Duration delay = delayAfter(entry.failures);
    entry.failures = entry.failures == Integer.MAX_VALUE ? entry.failures : entry.failures + 1;
    entry.until = now.plus(delay);
    entry.forgetAt = entry.until.plus(max);
    entries.put(key, entry);
    addressesByPeer.computeIfAbsent(peer, p -> new HashSet<>()).add(key.address());
    while (entries.size() > maxEntries) {
      remove(entries.keySet().iterator().next());
    }
    return delay;
  }

  /** Records that a dial of {@code peer} worked: forgets every failure at each of its addresses. */
  synchronized void succeeded(PeerId peer) {
    Set<Multiaddr> addresses = addressesByPeer.remove(peer);
    if (addresses != null) {
      addresses.forEach(address -> entries.remove(new Key(peer, address)));
    }
  }

  /** How many (peer, address) pairs it remembers now, expired ones not yet pruned included. */
  synchronized int size() {
    return entries.size();
  }

  /** {@code base + coefficient × previousFailures²}, capped at {@code max} without overflowing. */
  private Duration delayAfter(int previousFailures) {
    if (previousFailures == 0 || coefficient.isZero()) {
      return base;
    }
    long squared = (long) previousFailures * previousFailures;
    if (squared > max.minus(base).dividedBy(coefficient)) {
      return max;
    }
    return base.plus(coefficient.multipliedBy(squared));
  }

  /** The entry of {@code key}, unless there is none or it is due to be forgotten (then it is). */
  private Entry live(Key key, Instant now) {
    Entry entry = entries.get(key);
    if (entry != null && !now.isBefore(entry.forgetAt)) {
      remove(key);
      return null;
    }
    return entry;
  }

  /**
   * Forgets entries from the oldest failure on while they are due. Later ones may be due too (a
   * shorter backoff after a later failure); {@link #live} and the bound catch those.
   */
  private void pruneOldest(Instant now) {
    Iterator<Map.Entry<Key, Entry>> oldestFirst = entries.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Map.Entry<Key, Entry> oldest = oldestFirst.next();
      if (now.isBefore(oldest.getValue().forgetAt)) {
        return;
      }
      oldestFirst.remove();
      unindex(oldest.getKey());
    }
  }

  private void remove(Key key) {
    entries.remove(key);
    unindex(key);
  }

  private void unindex(Key key) {
    Set<Multiaddr> addresses = addressesByPeer.get(key.peer());
    if (addresses != null && addresses.remove(key.address()) && addresses.isEmpty()) {
      addressesByPeer.remove(key.peer());
    }
  }

  private static Key key(PeerId peer, Multiaddr address) {
    return new Key(Objects.requireNonNull(peer, "peer"), withoutPeer(address, peer));
  }

  /** {@code address} without a trailing {@code /p2p/<peer>}, so both spellings share one entry. */
  private static Multiaddr withoutPeer(Multiaddr address, PeerId peer) {
    List<MultiaddrComponent> components = Objects.requireNonNull(address, "address").components();
    if (components.isEmpty()) {
      return address;
    }
    MultiaddrComponent last = components.get(components.size() - 1);
    boolean endsWithPeer = last.protocol() == MultiaddrProtocol.P2P
        && PeerId.fromBytes(last.value()).equals(peer);
    return endsWithPeer ? Multiaddr.of(components.subList(0, components.size() - 1)) : address;
  }
}
