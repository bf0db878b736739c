package io.jlibp2p.examples;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;

/**
 * Reads how much memory this JVM holds after a collection: the live heap, and what Netty's default
 * allocator has handed out, which lives outside the heap when it prefers direct buffers.
 */
final class HeapGauge {

  /** Live memory at one moment. */
  record Reading(long heapBytes, long nettyDirectBytes, long nettyHeapBytes) {

    /** As one line of three numbers, to pass between processes. */
    String toLine() {
      return heapBytes + " " + nettyDirectBytes + " " + nettyHeapBytes;
    }

    static Reading parse(String line) {
      String[] parts = line.trim().split(" ");
      if (parts.length != 3) {
        throw new IllegalArgumentException("not a memory reading: \"" + line + "\"");
      }
      return new Reading(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    /** What {@code this} holds beyond {@code before}. */
    Reading minus(Reading before) {
      return new Reading(heapBytes - before.heapBytes, nettyDirectBytes - before.nettyDirectBytes, nettyHeapBytes - before.nettyHeapBytes);
    }
  }

  private HeapGauge() {}

  /**
   * Collects until the live heap stops shrinking, then reads it. One {@code System.gc()} is a full
   * collection on G1 and on the serial and parallel collectors, but reference processing and
   * finalizable objects can take a second one to go.
   */
  static Reading read() throws InterruptedException {
    long previous = Long.MAX_VALUE;
    long used = usedHeap();
    for (int i = 0; i < 10 && used < previous; i++) {
      previous = used;
      System.gc();
      Thread.sleep(100);
      used = usedHeap();
    }
    long direct = -1;
    long nettyHeap = -1;
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
      ByteBufAllocatorMetric metric = provider.metric();
      direct = metric.usedDirectMemory();
      nettyHeap = metric.usedHeapMemory();
    }
    return new Reading(Math.min(used, previous), direct, nettyHeap);
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
