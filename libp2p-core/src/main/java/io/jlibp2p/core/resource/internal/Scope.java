package io.jlibp2p.core.resource.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.core.resource.ScopeUsage;

/**
 * One scope's counters and limit. Not thread-safe: the {@link ResourceManager}'s lock guards every
 * scope, so that a reservation across several scopes is all or nothing.
 */
final class Scope {

  final String name;
  final ScopeLimit limit;
  /** File descriptors are counted at the system scope only. */
  final boolean countsFileDescriptors;
  /** Drops this scope from its manager's map once it is empty; null for the fixed scopes. */
  Runnable forget;
  int connectionsInbound;
  int connectionsOutbound;
  int streamsInbound;
  int streamsOutbound;
  long memory;
  int fileDescriptors;

  Scope(String name, ScopeLimit limit) {
    this(name, limit, false);
  }

  Scope(String name, ScopeLimit limit, boolean countsFileDescriptors) {
    this.name = name;
    this.limit = limit;
    this.countsFileDescriptors = countsFileDescriptors;
  }

  boolean isEmpty() {
    return connectionsInbound == 0 && connectionsOutbound == 0 && streamsInbound == 0 && streamsOutbound == 0
        && memory == 0 && fileDescriptors == 0;
  }

  ScopeUsage usage() {
    return new ScopeUsage(connectionsInbound, connectionsOutbound, streamsInbound, streamsOutbound, memory, fileDescriptors);
  }

  /** Throws if this scope has no room for {@code charge}; changes nothing. */
  void check(Charge charge) {
    if (charge.connections() > 0) {
      int inbound = connectionsInbound + (charge.direction() == Direction.INBOUND ? charge.connections() : 0);
      int outbound = connectionsOutbound + (charge.direction() == Direction.OUTBOUND ? charge.connections() : 0);
      if (charge.direction() == Direction.INBOUND && inbound > limit.connectionsInbound()) {
        throw refused(limit.connectionsInbound() + " inbound connections");
      }
      if (charge.direction() == Direction.OUTBOUND && outbound > limit.connectionsOutbound()) {
        throw refused(limit.connectionsOutbound() + " outbound connections");
      }
      if ((long) inbound + outbound > limit.connections()) {
        throw refused(limit.connections() + " connections");
      }
    }
    if (charge.streams() > 0) {
      int inbound = streamsInbound + (charge.direction() == Direction.INBOUND ? charge.streams() : 0);
      int outbound = streamsOutbound + (charge.direction() == Direction.OUTBOUND ? charge.streams() : 0);
      if (charge.direction() == Direction.INBOUND && inbound > limit.streamsInbound()) {
        throw refused(limit.streamsInbound() + " inbound streams");
      }
      if (charge.direction() == Direction.OUTBOUND && outbound > limit.streamsOutbound()) {
        throw refused(limit.streamsOutbound() + " outbound streams");
      }
      if ((long) inbound + outbound > limit.streams()) {
        throw refused(limit.streams() + " streams");
      }
    }
    if (charge.memory() > 0 && charge.memory() > limit.memory() - memory) {
      throw refused(limit.memory() + " bytes of memory, " + memory + " of them reserved; asked for " + charge.memory()
          + " more");
    }
    if (countsFileDescriptors && charge.fileDescriptors() > 0 && (long) fileDescriptors + charge.fileDescriptors() > limit.fileDescriptors()) {
      throw refused(limit.fileDescriptors() + " file descriptors");
    }
  }

  private LimitExceededException refused(String what) {
    return new LimitExceededException(name, "at most " + what);
  }

  /** Adds {@code charge}, or takes it away for a negative {@code sign}. */
  void apply(Charge charge, int sign) {
    if (charge.direction() == Direction.INBOUND) {
      connectionsInbound += sign * charge.connections();
      streamsInbound += sign * charge.streams();
    } else {
      connectionsOutbound += sign * charge.connections();
      streamsOutbound += sign * charge.streams();
    }
    memory += sign * charge.memory();
    if (countsFileDescriptors) {
      fileDescriptors += sign * charge.fileDescriptors();
    }
  }

  @Override
  public String toString() {
    return name + usage();
  }
}
