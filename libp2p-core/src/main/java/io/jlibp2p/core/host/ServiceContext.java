package io.jlibp2p.core.host;

import io.jlibp2p.core.transport.Transport;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a {@link HostService} gets from its host: the host itself (to serve protocols with {@link
 * Host#setStreamHandler}, open streams, read the peerstore and identify results), the host's
 * events, and the host's scheduler and clock.
 */
public interface ServiceContext {

  /** The host the service is attached to. */
  Host host();

  /**
   * Serves {@code protocolId} for this service, as {@link Host#setStreamHandler(String,
   * StreamHandler)} does, with its streams also counted in the service's resource scope ({@link
   * HostService#name()}).
   */
  void setStreamHandler(String protocolId, StreamHandler handler);

  /**
   * Adds a transport the service brings, as a circuit relay client brings the transport that
   * dials and listens through relays: the host dials and listens with it after the transports of
   * its builder, and closes it as it closes, after the services stopped. Call it from {@link
   * HostService#start}, so that the host's configured listen addresses may use it.
   */
  void addTransport(Transport transport);

  /**
   * Hears the host's events from now on, as the builder's listener does: connections opening and
   * closing, identify results, streams. Removed when the host closes.
   */
  void addEventListener(EventListener listener);

  /**
   * Runs the service's timers and background work on the host's threads: by default one thread
   * shared with identify pushes and every other service's timers, so a task must be short and must
   * not block; with a group given to {@link Host.Builder#eventLoopGroup}, tasks may run in
   * parallel. Tasks still pending when the host closes are cancelled, and scheduling after that
   * throws {@link java.util.concurrent.RejectedExecutionException}. Shutting the scheduler down is
   * not the service's to do (it throws).
   */
  ScheduledExecutorService scheduler();

  /** The host's clock, for timestamps and expiry; injectable in tests through the builder. */
  Clock clock();
}
