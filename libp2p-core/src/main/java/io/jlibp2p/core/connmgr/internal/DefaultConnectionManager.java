package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.connmgr.BumpFunction;
import io.jlibp2p.core.connmgr.ConnectionManager;
import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
import io.jlibp2p.core.connmgr.DecayFunction;
import io.jlibp2p.core.connmgr.DecayingTag;
import io.jlibp2p.core.connmgr.DecayingValue;
import io.jlibp2p.core.connmgr.TagInfo;
import io.jlibp2p.crypto.PeerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@link ConnectionManager}: go-libp2p's {@code BasicConnMgr} against a small view of
 * the host. The host calls {@link #connected} as each connection joins its table, {@link
 * #disconnected} as each leaves it, and {@link #tick()} every few seconds; the supplier gives the
 * connections open now, read when the manager trims or looks for idle ones, so that a connection
 * that closed before its {@link #disconnected} arrived is neither counted nor closed again.
 *
 * <p>Thread-safe, and no method blocks: one lock guards the bookkeeping and is held only for it.
 * The host's code (the supplier, the connections' getters and {@code close()}, the listener) is
 * never called under it; the user's tag, decay and bump functions are.
 *
 * <p>Where it departs from go-libp2p: a connection that takes the count above the high watermark
 * trims at once, if the silence period allows, rather than at go's next timer tick; connections
 * without streams may be closed after an idle timeout; tags set on a peer that never connects are
 * forgotten after the grace period on a tick, where go waits for a trim; bumps apply at once
 * instead of through a queue; and there is no emergency trim under memory pressure ({@code
 * ForceTrim}).
 */
public final class DefaultConnectionManager implements ConnectionManager {

  private static final Logger log = LoggerFactory.getLogger(DefaultConnectionManager.class);

  private final ConnectionManagerConfig config;
  private final Clock clock;
  private final Supplier<? extends Collection<? extends ManagedConnection>> openConnections;
  private final ConnectionManagerListener listener;

  private final Object lock = new Object();
  // Everything below is guarded by lock.
  private final Map<PeerId, PeerState> peers = new HashMap<>();
  private final Map<PeerId, Set<String>> protections = new HashMap<>();
  private final DecayingTagRegistry decayingTags;
  /** Chosen to close and not disconnected yet: a concurrent trim must not choose them again. */
  private final Set<ManagedConnection> closing = Collections.newSetFromMap(new IdentityHashMap<>());
  /** The connections of every {@link PeerState}, closing ones included. */
  private int trackedConnections;
  private Instant lastTrim;

  /** A manager that reports the connections it closes to no one. */
  public DefaultConnectionManager(
      ConnectionManagerConfig config, Clock clock,
      Supplier<? extends Collection<? extends ManagedConnection>> openConnections) {
    this(config, clock, openConnections, ConnectionManagerListener.NONE);
  }

  /**
   * A manager.
   *
   * @param openConnections the host's open connections; called without the manager's lock, it
   *     must be cheap and must not block
   * @param listener told of each connection the manager closes, and why
   */
  public DefaultConnectionManager(
      ConnectionManagerConfig config, Clock clock,
      Supplier<? extends Collection<? extends ManagedConnection>> openConnections, ConnectionManagerListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.openConnections = Objects.requireNonNull(openConnections, "openConnections");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.decayingTags = new DecayingTagRegistry(config.decayResolution(), clock.instant());
  }

  @Override
  public ConnectionManagerConfig config() {
    return config;
  }

  // ---- The host's side.

  /**
   * Tracks a connection that joined the host's table; if that takes the count above the high
   * watermark and the silence period has passed, trims at once.
   */
  public void connected(ManagedConnection connection) {
    PeerId peer = connection.peer();
    boolean trimDue;
    synchronized (lock) {
      Instant now = clock.instant();
      PeerState state = peers.get(peer);
      if (state == null) {
        state = new PeerState(peer, now, false);
        peers.put(peer, state);
      } else if (state.temporary) {
        // Tags came before the connection: they stay, and the grace period starts now.
        state.temporary = false;
        state.firstSeen = now;
      }
      if (!state.connections.add(connection)) {
        log.debug("Connection to {} reported connected twice; ignored", peer);
        return;
      }
      trackedConnections++;
      trimDue = trimDue(now);
    }
    if (trimDue) {
      trim(true);
    }
  }

  /**
   * Stops tracking a connection that left the host's table. A peer's last connection takes its
   * tags with it, as in go-libp2p; its protection stays.
   */
  public void disconnected(ManagedConnection connection) {
    PeerId peer = connection.peer();
    synchronized (lock) {
      PeerState state = peers.get(peer);
      if (state == null || !state.connections.remove(connection)) {
        log.debug("Connection to {} reported disconnected but not tracked; ignored", peer);
        return;
      }
      trackedConnections--;
      closing.remove(connection);
      if (state.connections.isEmpty()) {
        peers.remove(peer);
      }
    }
  }

  /**
   * The periodic work, for the host to call every few seconds (more often than the silence period
   * and the decay resolution): decays the decaying tags that are due, forgets the tags of peers that
   * never connected within the grace period, closes idle connections, and trims if above the high
   * watermark and the silence period has passed.
   */
  public void tick() {
    boolean trimDue;
    synchronized (lock) {
      Instant now = clock.instant();
      decayingTags.decayIfDue(now, peers.values());
      forgetTemporaryPeers(now);
      trimDue = trimDue(now);
    }
    if (!trimDue && config.idleTimeout().isEmpty()) {
      return;
    }
    List<ConnectionView> views = viewOpenConnections();
    List<ManagedConnection> idle;
    List<ManagedConnection> trimmed = List.of();
    synchronized (lock) {
      Instant now = clock.instant();
      idle = selectIdle(views, now);
      // After selectIdle: connections closing as idle no longer count toward the high watermark.
      if (trimDue(now)) {
        lastTrim = now;
        trimmed = selectForTrim(views, now);
      }
    }
    closeAll(idle, ConnectionManagerListener.Reason.IDLE);
    closeAll(trimmed, ConnectionManagerListener.Reason.TRIMMED);
  }

  /**
   * Trims now, whatever the silence period (go's {@code TrimOpenConns}): closes the connections of
   * the least valuable peers, out of their grace period and unprotected, until {@link
   * ConnectionManagerConfig#lowWater()} such connections remain. Nothing closes if fewer than that
   * are trimmable.
   *
   * @return the connections it started closing
   */
  public List<ManagedConnection> trim() {
    return trim(false);
  }

  private List<ManagedConnection> trim(boolean automatic) {
    List<ConnectionView> views = viewOpenConnections();
    List<ManagedConnection> selected;
    synchronized (lock) {
      Instant now = clock.instant();
      if (automatic && !trimDue(now)) {
        return List.of(); // another thread trimmed in between
      }
      lastTrim = now;
      selected = selectForTrim(views, now);
    }
    closeAll(selected, ConnectionManagerListener.Reason.TRIMMED);
    return selected;
  }

  // ---- The user's side.

  @Override
  public void protect(PeerId peer, String tag) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(tag, "tag");
    synchronized (lock) {
      protections.computeIfAbsent(peer, p -> new HashSet<>()).add(tag);
    }
  }

  @Override
  public boolean unprotect(PeerId peer, String tag) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(tag, "tag");
    synchronized (lock) {
      Set<String> tags = protections.get(peer);
      if (tags == null) {
        return false;
      }
      tags.remove(tag);
      if (tags.isEmpty()) {
        protections.remove(peer);
        return false;
      }
      return true;
    }
  }

  @Override
  public boolean isProtected(PeerId peer, String tag) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(tag, "tag");
    synchronized (lock) {
      Set<String> tags = protections.get(peer);
      return tags != null && (tag.isEmpty() || tags.contains(tag));
    }
  }

  @Override
  public void tagPeer(PeerId peer, String tag, int value) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(tag, "tag");
    synchronized (lock) {
      stateFor(peer, clock.instant()).tags.put(tag, value);
    }
  }

  @Override
  public void untagPeer(PeerId peer, String tag) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(tag, "tag");
    synchronized (lock) {
      PeerState state = peers.get(peer);
      if (state != null) {
        state.tags.remove(tag);
      }
    }
  }

  @Override
  public void upsertTag(PeerId peer, String tag, IntUnaryOperator update) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(update, "update");
    synchronized (lock) {
      PeerState existing = peers.get(peer);
      int current = existing == null ? 0 : existing.tags.getOrDefault(tag, 0);
      // Applied before any entry is made, so that an update that throws leaves nothing behind.
      int updated = update.applyAsInt(current);
      stateFor(peer, clock.instant()).tags.put(tag, updated);
    }
  }

  @Override
  public Optional<TagInfo> tagInfo(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    synchronized (lock) {
      return Optional.ofNullable(peers.get(peer)).map(PeerState::toTagInfo);
    }
  }

  @Override
  public DecayingTag registerDecayingTag(String name, Duration interval, DecayFunction decay, BumpFunction bump) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(decay, "decay");
    Objects.requireNonNull(bump, "bump");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("decaying tag '" + name + "' needs a positive interval, got " + interval);
    }
    Duration effective = decayingTags.effectiveInterval(name, interval);
    synchronized (lock) {
      RegisteredDecayingTag tag =
          new RegisteredDecayingTag(this, name, effective, decay, bump, clock.instant().plus(effective));
      decayingTags.add(tag);
      return tag;
    }
  }

  // ---- For RegisteredDecayingTag.

  void bump(RegisteredDecayingTag tag, PeerId peer, int delta) {
    synchronized (lock) {
      tag.checkOpen("bump"); // again under the lock: close() may have run since the first check
      Instant now = clock.instant();
      PeerState state = stateFor(peer, now);
      DecayingValue current = state.decaying.get(tag);
      if (current == null) {
        current = new DecayingValue(tag.name(), peer, now, now, 0);
      }
      int after = tag.bump.bump(current, delta);
      state.decaying.put(tag, new DecayingValue(tag.name(), peer, current.added(), now, after));
    }
  }

  void removeDecaying(RegisteredDecayingTag tag, PeerId peer) {
    synchronized (lock) {
      PeerState state = peers.get(peer);
      if (state != null) {
        state.decaying.remove(tag);
      }
    }
  }

  void closeDecaying(RegisteredDecayingTag tag) {
    synchronized (lock) {
      decayingTags.remove(tag, peers.values());
    }
  }

  // ---- Under the lock.

  /** The peer's entry, made temporary if it has no connection yet (go's {@code tagInfoFor}). */
  private PeerState stateFor(PeerId peer, Instant now) {
    return peers.computeIfAbsent(peer, p -> new PeerState(p, now, true));
  }

  private boolean trimDue(Instant now) {
    return trackedConnections - closing.size() > config.highWater()
        && (lastTrim == null || !now.isBefore(lastTrim.plus(config.silencePeriod())));
  }

  /**
   * Go's {@code getConnsToClose}: only connections out of their peer's grace period and not
   * protected count, and the lowest-valued peers (by {@link TrimCandidate#TRIM_ORDER}) lose all
   * their connections until {@code lowWater} of those remain.
   */
  private List<ManagedConnection> selectForTrim(List<ConnectionView> views, Instant now) {
    Instant graceStart = now.minus(config.gracePeriod());
    List<TrimCandidate> candidates = new ArrayList<>();
    int trimmable = 0;
    for (Map.Entry<PeerId, List<ConnectionView>> entry : trackedOpenByPeer(views).entrySet()) {
      PeerState state = peers.get(entry.getKey());
      if (protections.containsKey(entry.getKey()) || state.firstSeen.isAfter(graceStart)) {
        continue;
      }
      candidates.add(TrimCandidate.of(entry.getKey(), state.value(), entry.getValue()));
      trimmable += entry.getValue().size();
    }
    int excess = trimmable - config.lowWater();
    if (excess <= 0) {
      // Trimming now would close connections too young to judge, or protected ones: go waits too.
      log.debug("Above the high watermark, but only {} connections may be trimmed (low watermark {})",
          trimmable, config.lowWater());
      return List.of();
    }
    candidates.sort(TrimCandidate.TRIM_ORDER);
    List<ManagedConnection> selected = new ArrayList<>();
    for (TrimCandidate candidate : candidates) {
      if (excess <= 0) {
        break;
      }
      selected.addAll(candidate.connections());
      excess -= candidate.connections().size();
    }
    closing.addAll(selected);
    log.debug("Trimming {} of {} trimmable connections", selected.size(), trimmable);
    return selected;
  }

  private List<ManagedConnection> selectIdle(List<ConnectionView> views, Instant now) {
    Optional<Duration> timeout = config.idleTimeout();
    if (timeout.isEmpty()) {
      return List.of();
    }
    List<ManagedConnection> idle = new ArrayList<>();
    for (List<ConnectionView> ofPeer : trackedOpenByPeer(views).values()) {
      for (ConnectionView view : ofPeer) {
        boolean expired = view.idleSince().filter(since -> !now.isBefore(since.plus(timeout.get()))).isPresent();
        if (expired && !protections.containsKey(view.peer())) {
          idle.add(view.connection());
        }
      }
    }
    closing.addAll(idle);
    return idle;
  }

  /** The open connections the manager tracks and is not closing already, by peer. */
  private Map<PeerId, List<ConnectionView>> trackedOpenByPeer(List<ConnectionView> views) {
    Map<PeerId, List<ConnectionView>> byPeer = new LinkedHashMap<>();
    Set<ManagedConnection> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ConnectionView view : views) {
      PeerState state = peers.get(view.peer());
      if (state != null && state.connections.contains(view.connection()) && !closing.contains(view.connection())
          && seen.add(view.connection())) {
        byPeer.computeIfAbsent(view.peer(), p -> new ArrayList<>()).add(view);
      }
    }
    return byPeer;
  }

  private void forgetTemporaryPeers(Instant now) {
    Instant graceStart = now.minus(config.gracePeriod());
    peers.values().removeIf(state -> state.temporary && !state.firstSeen.isAfter(graceStart));
  }

  // ---- Without the lock.

  private List<ConnectionView> viewOpenConnections() {
    Collection<? extends ManagedConnection> open = openConnections.get();
    List<ConnectionView> views = new ArrayList<>(open.size());
    for (ManagedConnection connection : open) {
      views.add(ConnectionView.of(connection));
    }
    return views;
  }

  private void closeAll(List<ManagedConnection> connections, ConnectionManagerListener.Reason reason) {
    for (ManagedConnection connection : connections) {
      try {
        listener.closing(connection, reason);
      } catch (RuntimeException e) {
        log.warn("Connection manager listener failed on {} ({}); closing it anyway", connection.peer(), reason, e);
      }
      try {
        connection.close();
      } catch (RuntimeException e) {
        log.warn("Closing the connection to {} ({}) failed", connection.peer(), reason, e);
      }
    }
  }
}
