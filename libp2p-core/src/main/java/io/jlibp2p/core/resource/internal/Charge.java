package io.jlibp2p.core.resource.internal;

import io.jlibp2p.core.Direction;

/** An amount of resources that one operation adds to (or takes from) a set of scopes. */
record Charge(Direction direction, int connections, int streams, long memory, int fileDescriptors) {

  static Charge connection(Direction direction, boolean fileDescriptor) {
    return new Charge(direction, 1, 0, 0, fileDescriptor ? 1 : 0);
  }

  static Charge stream(Direction direction) {
    return new Charge(direction, 0, 1, 0, 0);
  }

  static Charge memory(long bytes) {
    return new Charge(Direction.INBOUND, 0, 0, bytes, 0);
  }

  static void requireNonNegative(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a memory amount must not be negative: " + bytes);
    }
  }

  /** This charge plus {@code bytes} of memory: what a scope that moves takes along. */
  Charge plusMemory(long bytes) {
    return new Charge(direction, connections, streams, memory + bytes, fileDescriptors);
  }
}
