package io.jlibp2p.core.identify;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The addresses other peers report seeing this node at (identify's {@code observedAddr}), with how
 * many distinct peers reported each: the raw material of NAT traversal. One peer cannot make an
 * address look confirmed, as each counts once per address. Thread-safe and bounded: at most
 * {@link #MAX_ADDRESSES} addresses and {@link #MAX_OBSERVERS} observers each are tracked, and an
 * observation expires after {@link #TTL}.
 */
public final class ObservedAddresses {

  /** Addresses tracked; beyond it the one with the fewest observers is dropped. */
  public static final int MAX_ADDRESSES = 64;

  /** Observers counted per address. */
  public static final int MAX_OBSERVERS = 64;

  /** How long an observation counts without being repeated. */
  public static final Duration TTL = Duration.ofMinutes(30);

  /**
   * An address of this node as seen from outside.
   *
   * @param address what the peers reported
   * @param observers how many distinct peers reported it within {@link #TTL}
   */
  public record ObservedAddress(Multiaddr address, int observers) {}

  private final Clock clock;
  /** Address, then observer, then when it last reported the address. Guarded by {@code this}. */
  private final Map<Multiaddr, Map<PeerId, Instant>> seen = new LinkedHashMap<>();

  /** Tracks observations on the system clock. */
  public ObservedAddresses() {
    this(Clock.systemUTC());
  }

  /** Tracks observations on {@code clock}. */
  public ObservedAddresses(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records that {@code observer} sees this node at {@code address}. */
  public synchronized void record(Multiaddr address, PeerId observer) {
    Instant now = clock.instant();
    expire(now);
    Map<PeerId, Instant> observers = seen.computeIfAbsent(address, a -> new LinkedHashMap<>());
    if (observers.size() < MAX_OBSERVERS || observers.containsKey(observer)) {
      observers.put(observer, now);
    }
    if (seen.size() > MAX_ADDRESSES) {
      seen.entrySet().stream()
          .filter(e -> !e.getKey().equals(address))
          .min(Comparator.comparingInt(e -> e.getValue().size()))
          .map(Map.Entry::getKey)
          .ifPresent(seen::remove);
    }
  }

  /** The addresses seen by at least {@code minObservers} peers, the most observed first. */
  public synchronized List<ObservedAddress> addresses(int minObservers) {
    expire(clock.instant());
    return seen.entrySet().stream()
        .filter(e -> e.getValue().size() >= minObservers)
        .map(e -> new ObservedAddress(e.getKey(), e.getValue().size()))
        .sorted(Comparator.comparingInt(ObservedAddress::observers).reversed())
        .toList();
  }

  private void expire(Instant now) {
    Instant cutoff = now.minus(TTL);
    seen.values().forEach(observers -> observers.values().removeIf(at -> at.isBefore(cutoff)));
    seen.values().removeIf(Map::isEmpty);
  }
}
