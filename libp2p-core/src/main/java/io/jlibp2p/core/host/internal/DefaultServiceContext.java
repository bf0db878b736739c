package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.transport.Transport;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/** What one service of a {@link DefaultHost} sees of it. */
final class DefaultServiceContext implements ServiceContext {

  private final DefaultHost host;
  private final String service;
  private final EventDispatcher events;
  private final ServiceScheduler scheduler;
  private final Clock clock;

  DefaultServiceContext(DefaultHost host, String service, EventDispatcher events, ServiceScheduler scheduler,
      Clock clock) {
    this.host = host;
    this.service = service;
    this.events = events;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public Host host() {
    return host;
  }

  @Override
  public void setStreamHandler(String protocolId, StreamHandler handler) {
    host.setServiceStreamHandler(service, protocolId, handler);
  }

  @Override
  public void addTransport(Transport transport) {
    host.addTransport(transport);
  }

  @Override
  public void addEventListener(EventListener listener) {
    events.add(listener);
  }

  @Override
  public ScheduledExecutorService scheduler() {
    return scheduler;
  }

  @Override
  public Clock clock() {
    return clock;
  }
}
