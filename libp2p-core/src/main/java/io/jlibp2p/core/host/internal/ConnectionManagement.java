package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.connmgr.ConnectionManager;
import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
import io.jlibp2p.core.connmgr.internal.ConnectionManagerListener;
import io.jlibp2p.core.connmgr.internal.DefaultConnectionManager;
import io.jlibp2p.core.connmgr.internal.ManagedConnection;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's side of its connection manager: one view per connection (the manager tells them
 * apart by identity), told as connections come and go, and a tick every {@link #TICK} on the
 * host's thread for decay, idle timeouts and the watermarks. What the manager closes is logged.
 */
final class ConnectionManagement {

  private static final Logger log = LoggerFactory.getLogger(ConnectionManagement.class);

  /** How often the manager looks at the connections. */
  static final Duration TICK = Duration.ofSeconds(5);

  private final ConnectionManagerConfig config;
  private final Clock clock;
  private final Map<HostConnection, ManagedHostConnection> views = new ConcurrentHashMap<>();
  private final DefaultConnectionManager manager;
  private final ScheduledFuture<?> ticks;

  ConnectionManagement(ConnectionManagerConfig config, Clock clock, EventLoopGroup group) {
    this.config = config;
    this.clock = clock;
    this.manager = new DefaultConnectionManager(config, clock, views::values, this::closing);
    this.ticks = group.scheduleAtFixedRate(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  ConnectionManager manager() {
    return manager;
  }

  /** Before the connection joins the host's table, so that its close is never missed. */
  void track(HostConnection connection) {
    views.put(connection, new ManagedHostConnection(connection, clock));
  }

  /** Once it is open and reported: the manager may trim at once if it passed the high watermark. */
  void opened(HostConnection connection) {
    ManagedHostConnection view = views.get(connection);
    if (view != null) {
      manager.connected(view);
    }
  }

  /** Once it closed and left the table. */
  void closed(HostConnection connection) {
    ManagedHostConnection view = views.remove(connection);
    if (view != null) {
      manager.disconnected(view);
    }
  }

  void stop() {
    ticks.cancel(false);
  }

  private void tick() {
    try {
      manager.tick();
    } catch (RuntimeException e) {
      log.warn("the connection manager's tick failed", e);
    }
  }

  private void closing(ManagedConnection connection, ConnectionManagerListener.Reason reason) {
    log.info("closing {}: {}", connection, reason == ConnectionManagerListener.Reason.IDLE
        ? "no stream for " + config.idleTimeout().map(Duration::toString).orElse("a while")
        : "more than " + config.highWater() + " connections, and this peer is worth least");
  }
}
