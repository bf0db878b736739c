package io.jlibp2p.core.resource.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.StreamScope;
import io.jlibp2p.crypto.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One stream's resources: the stream counted in its own scope, its connection's, its peer's, the
 * transient scope's until its protocol is agreed (then its protocol's), its service's and the
 * system's; and the memory its buffers reserved, which counts in the same scopes but the transient
 * one: a stream still negotiating is counted there, but its window belongs to its peer, so that
 * one peer's idle streams cannot take the transient memory every other peer's negotiations need.
 * Thread-safe; a refusal is reported to the host after the manager's lock is let go.
 */
final class StreamResources extends ReservingScope implements StreamScope {

  private final ConnectionResources connection;
  private final Direction direction;
  private final Scope self;
  private Scope protocol;
  private Scope service;

  StreamResources(ResourceManager manager, ConnectionResources connection, Direction direction, Scope self) {
    super(manager);
    this.connection = connection;
    this.direction = direction;
    this.self = self;
  }

  /** Where the stream is counted: its own scope, the connection's, the peer's, the protocol's or transient, the service's, the system. */
  List<Scope> countChain() {
    synchronized (manager) {
      return chain(protocol != null ? protocol : manager.transientScope);
    }
  }

  /** Where its memory is counted: as {@link #countChain()}, without the transient scope. */
  @Override
  List<Scope> memoryChain() {
    synchronized (manager) {
      return chain(protocol);
    }
  }

  private List<Scope> chain(Scope negotiation) {
    List<Scope> chain = new ArrayList<>(6);
    chain.add(self);
    chain.add(connection.self());
    chain.add(connection.owner());
    if (negotiation != null) {
      chain.add(negotiation);
    }
    if (service != null) {
      chain.add(service);
    }
    chain.add(manager.system);
    return chain;
  }

  @Override
  public void setProtocol(String protocolId) {
    try {
      synchronized (manager) {
        if (closed || protocol != null) {
          return;
        }
        Scope target = manager.protocolScope(protocolId);
        Charge count = Charge.stream(direction);
        manager.transfer(List.of(manager.transientScope), count, List.of(target), count.plusMemory(memory));
        protocol = target;
      }
    } catch (LimitExceededException e) {
      manager.report(peer(), e);
      throw e;
    }
  }

  @Override
  public void setService(String serviceName) {
    try {
      synchronized (manager) {
        if (closed || service != null) {
          return;
        }
        Scope target = manager.serviceScope(serviceName);
        manager.transfer(List.of(), Charge.stream(direction), List.of(target), Charge.stream(direction).plusMemory(memory));
        service = target;
      }
    } catch (LimitExceededException e) {
      manager.report(peer(), e);
      throw e;
    }
  }

  @Override
  public String name() {
    return self.name;
  }

  @Override
  Optional<PeerId> peer() {
    return connection.peer();
  }

  @Override
  public ScopeUsage usage() {
    synchronized (manager) {
      return self.usage();
    }
  }

  @Override
  public void close() {
    synchronized (manager) {
      if (closed) {
        return;
      }
      closed = true;
      manager.release(memoryChain(), Charge.memory(memory));
      manager.release(countChain(), Charge.stream(direction));
      memory = 0;
    }
  }

  @Override
  public String toString() {
    return "StreamResources(" + direction + ", " + (protocol != null ? protocol.name : "negotiating") + ")";
  }
}
