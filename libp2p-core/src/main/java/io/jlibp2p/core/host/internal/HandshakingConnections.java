package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.resource.internal.ConnectionResources;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inbound connections still in their upgrade, oldest first, so that a full transient scope
 * makes room for a newcomer by dropping the oldest handshake rather than refusing everyone new:
 * an honest handshake takes a few round trips, while a flood of silent or dribbling sockets holds
 * its slots for the whole timeout, and so is what gets evicted. Only handshakes older than {@link
 * #MIN_AGE_TO_EVICT} go, so a burst of new connections cannot evict honest ones in flight.
 */
final class HandshakingConnections {

  static final Duration MIN_AGE_TO_EVICT = Duration.ofSeconds(1);

  private record Entry(ConnectionResources resources, long since) {}

  private final Map<Channel, Entry> byAge = new LinkedHashMap<>();

  synchronized void add(Channel channel, ConnectionResources resources) {
    byAge.put(channel, new Entry(resources, System.nanoTime()));
  }

  synchronized void remove(Channel channel) {
    byAge.remove(channel);
  }

  /**
   * Closes the oldest handshake if it is old enough, releasing its resources at once so that the
   * caller can reserve again.
   */
  void evictOldest() {
    Channel victim;
    Entry entry;
    synchronized (this) {
      Iterator<Map.Entry<Channel, Entry>> oldest = byAge.entrySet().iterator();
      if (!oldest.hasNext()) {
        return;
      }
      Map.Entry<Channel, Entry> first = oldest.next();
      if (System.nanoTime() - first.getValue().since() < MIN_AGE_TO_EVICT.toNanos()) {
        return;
      }
      oldest.remove();
      victim = first.getKey();
      entry = first.getValue();
    }
    entry.resources().close();
    victim.close();
  }
}
