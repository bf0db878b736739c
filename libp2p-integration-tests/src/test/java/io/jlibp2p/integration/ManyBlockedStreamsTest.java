package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.core.blocking.BlockingStream;
import io.jlibp2p.core.blocking.BlockingStreams;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What virtual threads are for: one host serving 10,000 streams at once, each on its own handler
 * thread blocked in a read, without running out of memory or platform threads. Runs where {@link
 * BlockingStreams#virtualThreads()} (JDK 21 and later: the build's JDK 25 execution); on JDK 17
 * it is skipped, since a pool of platform threads refuses streams past its bound by design.
 *
 * <p>The resource manager's limits are lifted: each yamux stream reserves its 256 KiB receive
 * window as it opens, which the default limits allow 4,096 times per connection. What is measured
 * here is threads and memory, not limits.
 */
@Timeout(300)
class ManyBlockedStreamsTest {

  static final int STREAMS = 10_000;
  static final String PROTOCOL = "/test/blocked/1.0.0";

  /** Platform threads the process may have while every stream is blocked: far fewer than streams. */
  static final int MAX_PLATFORM_THREADS = 200;

  @Test
  void tenThousandStreamsBlockedAtOnceOnVirtualThreads() throws Exception {
    assumeTrue(BlockingStreams.virtualThreads(), "needs virtual threads (JDK 21+); the JDK 25 test execution runs it");
    AtomicInteger blocked = new AtomicInteger();
    AtomicInteger virtualHandlers = new AtomicInteger();
    try (Host server = host().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).build();
        Host client = host().build()) {
      server.setStreamHandler(PROTOCOL, BlockingStreams.handler(stream -> {
        if (isVirtual(Thread.currentThread())) {
          virtualHandlers.incrementAndGet();
        }
        int hello = stream.inputStream().read();
        blocked.incrementAndGet();
        int request = stream.inputStream().read();   // blocks until the client lets them all go
        stream.outputStream().write(hello + request + 1);
      }));
      server.start().join();
      Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      long heapBefore = heapAfterGc();

      List<CompletableFuture<BlockingStream>> opening = new ArrayList<>(STREAMS);
      for (int i = 0; i < STREAMS; i++) {
        opening.add(BlockingStreams.open(client, connection, PROTOCOL));
      }
      List<BlockingStream> streams = new ArrayList<>(STREAMS);
      for (CompletableFuture<BlockingStream> open : opening) {
        streams.add(open.get(60, TimeUnit.SECONDS));
      }
      for (BlockingStream stream : streams) {
        stream.outputStream().write(0);
      }
      Eventually.await("every handler has read its first byte and waits for the second", 120, () -> blocked.get() == STREAMS);

      int threadsBlocked = ManagementFactory.getThreadMXBean().getThreadCount();
      long heapBlocked = heapAfterGc();
      System.out.printf("%,d streams blocked in a read on virtual threads: %d platform threads (%d before),"
              + " heap after GC %,d KiB more than before (%,d bytes a stream, both hosts' sides)%n",
          STREAMS, threadsBlocked, threadsBefore, (heapBlocked - heapBefore) >> 10, (heapBlocked - heapBefore) / STREAMS);
      assertEquals(STREAMS, virtualHandlers.get(), "every handler ran on a virtual thread");
      assertTrue(threadsBlocked < MAX_PLATFORM_THREADS, threadsBlocked + " platform threads");
      assertTrue(connection.openStreams() >= STREAMS, connection.openStreams() + " streams open");

      for (BlockingStream stream : streams) {
        stream.outputStream().write(41);
        stream.closeWrite();
      }
      for (BlockingStream stream : streams) {
        assertEquals(42, stream.inputStream().read());
        assertEquals(-1, stream.inputStream().read());
        stream.close();
      }
      Eventually.await("every stream closes", 60, () -> connection.openStreams() == 0);
    }
  }

  private static Host.Builder host() {
    return Host.builder()
        .transport(TcpTransport.builder().build())
        .secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.builder().maxStreams(STREAMS + 64).build())
        .resourceLimits(ResourceLimits.unlimited());
  }

  private static long heapAfterGc() {
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }

  /** {@code Thread.isVirtual()}, which the test's release level 17 cannot name. */
  private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
    return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
  }
}
