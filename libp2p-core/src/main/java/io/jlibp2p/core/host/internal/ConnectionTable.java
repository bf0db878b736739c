package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.crypto.PeerId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The host's connections: every open one, and per peer the one reused for new streams (or the
 * dial that will make it), so that concurrent dials of one peer share one connection.
 */
final class ConnectionTable {

  private final Map<PeerId, CompletableFuture<HostConnection>> byPeer = new ConcurrentHashMap<>();
  private final Set<HostConnection> open = ConcurrentHashMap.newKeySet();

  /**
   * The open connection to {@code peer}, the pending dial of it, or the dial {@code dial} starts
   * if there is neither.
   */
  CompletableFuture<HostConnection> connectionTo(PeerId peer, Supplier<CompletableFuture<HostConnection>> dial) {
    while (true) {
      CompletableFuture<HostConnection> existing = byPeer.get(peer);
      if (existing != null && !(existing.isDone() && !usable(existing))) {
        return existing;
      }
      CompletableFuture<HostConnection> attempt = new CompletableFuture<>();
      boolean ours = existing == null ? byPeer.putIfAbsent(peer, attempt) == null : byPeer.replace(peer, existing, attempt);
      if (!ours) {
        continue;
      }
      CompletableFuture<HostConnection> dialed;
      try {
        dialed = dial.get();
      } catch (RuntimeException e) {
        dialed = CompletableFuture.failedFuture(e);
      }
      dialed.whenComplete((connection, error) -> {
        if (error != null) {
          byPeer.remove(peer, attempt);
          attempt.completeExceptionally(error);
        } else {
          attempt.complete(connection);
        }
      });
      return attempt;
    }
  }

  private static boolean usable(CompletableFuture<HostConnection> future) {
    return !future.isCompletedExceptionally() && future.join().isOpen();
  }

  /**
   * Tracks a new connection, and makes it the one reused for its peer if there is none.
   *
   * @param closed runs when it has closed and is out of the table, told whether it was the last
   *     connection to its peer
   */
  void add(HostConnection connection, Consumer<Boolean> closed) {
    PeerId remote = connection.remotePeer();
    open.add(connection);
    byPeer.putIfAbsent(remote, CompletableFuture.completedFuture(connection));
    connection.closeFuture().thenRun(() -> {
      open.remove(connection);
      byPeer.computeIfPresent(remote, (p, f) -> f.isDone() && !f.isCompletedExceptionally() && f.join() == connection ? null : f);
      closed.accept(open.stream().noneMatch(c -> c.remotePeer().equals(remote)));
    });
  }

  /** {@code connection} as this table's own, if it is one of its open connections. */
  HostConnection own(Connection connection) {
    if (!(connection instanceof HostConnection ours) || !open.contains(ours) || !ours.isOpen()) {
      throw new IllegalArgumentException("not an open connection of this host: " + connection);
    }
    return ours;
  }

  /** A snapshot of the open connections. */
  List<HostConnection> open() {
    return List.copyOf(open);
  }
}
