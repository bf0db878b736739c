package io.jlibp2p.core.host;

import java.util.concurrent.CompletableFuture;

/**
 * A protocol that attaches to a host: ping, perf, and later relay, AutoNAT, DCUtR, Kademlia and
 * gossipsub. The host knows none of them by name; each registers what it needs through the {@link
 * ServiceContext} it is started with.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder().service(Perf.server()).build();   // ping is there already
 * Duration rtt = host.service(Ping.class).orElseThrow().ping(peer).join();
 * }</pre>
 *
 * <p>A service instance belongs to one host. {@link #start} runs while the host is built, before
 * it listens or dials, so its stream handlers are in place for the first connection; {@link
 * #stop} runs when the host closes, before its connections do.
 */
public interface HostService {

  /**
   * Attaches to the host: register stream handlers, listen for events, schedule timers. Called
   * once; must not block.
   *
   * @throws IllegalStateException if this service already belongs to a host
   */
  void start(ServiceContext context);

  /**
   * The service's name, for its resource scope ({@code service:<name>} in {@link
   * io.jlibp2p.core.resource.ResourceLimits}) and diagnostics; its class's simple name by default.
   */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Detaches from the host as it closes, after its listeners closed and while its connections are
   * still open. The host then cancels the timers the service scheduled through {@link
   * ServiceContext#scheduler()}. Called only if {@link #start} returned. The default does nothing.
   *
   * @return completes when the service has stopped; the host waits for it up to 10 s, then
   *     closes anyway
   */
  default CompletableFuture<Void> stop() {
    return CompletableFuture.completedFuture(null);
  }
}
