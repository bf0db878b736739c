package io.jlibp2p.integration.hostile;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * What the process spends: live heap (after collecting garbage), Netty's direct memory, open
 * file descriptors and live threads; and, while an attack runs, the peaks of each, sampled by a
 * background thread. The attackers run in the same JVM, so their own threads (named {@value
 * #OWN_THREAD_PREFIX}...) are left out of the thread count; their sockets are not left out of the
 * descriptor count, which is why the victim's own sockets are counted apart ({@link SocketTable}).
 */
final class ResourceProbe {

  /** The name prefix of the suite's own threads: the sampler and attacker helpers. */
  static final String OWN_THREAD_PREFIX = "hostile-";

  private static final long SAMPLE_INTERVAL_MILLIS = 200;

  /** Collecting garbage for a live-heap sample stops the world; once a second is enough. */
  private static final int SAMPLES_PER_LIVE_HEAP = 5;

  /** What the process held at one moment. */
  record Snapshot(long liveHeap, long directMemory, int fds, int threads) {}

  private ResourceProbe() {}

  /** A snapshot, after collecting garbage. */
  static Snapshot snapshot() {
    return new Snapshot(liveHeap(), directMemory(), openFds(), liveThreads());
  }

  /** The heap still in use after two full collections: what is actually retained. */
  static long liveHeap() {
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Netty's direct memory: its own counter where it keeps one, else what the default allocator's
   * pools hold, whichever is larger (Netty 4.2's default allocator is the adaptive one, not {@code
   * PooledByteBufAllocator.DEFAULT}).
   */
  static long directMemory() {
    long counted = PlatformDependent.usedDirectMemory();
    long pooled = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
        ? provider.metric().usedDirectMemory()
        : -1;
    return Math.max(0, Math.max(counted, pooled));
  }

  /** Open file descriptors of this process. */
  static int openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd: the hostile suite needs Linux", e);
    }
  }

  /** Live threads, but the suite's own. */
  static int liveThreads() {
    int count = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && !thread.getName().startsWith(OWN_THREAD_PREFIX)) {
        count++;
      }
    }
    return count;
  }

  /** Starts sampling the peaks of what the process and the victim on {@code victimPort} hold. */
  static Sampler sample(int victimPort) {
    Sampler sampler = new Sampler(victimPort);
    sampler.thread.start();
    return sampler;
  }

  /** The peaks seen since it started; {@link #close()} stops it. */
  static final class Sampler implements AutoCloseable {
    private final int victimPort;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long peakLiveHeap;
    private volatile long peakDirect;
    private volatile int peakFds;
    private volatile int peakThreads;
    private volatile int peakVictimSockets;
    private final Map<String, IntSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, Integer> gaugePeaks = new ConcurrentHashMap<>();

    private Sampler(int victimPort) {
      this.victimPort = victimPort;
      this.thread = new Thread(this::run, OWN_THREAD_PREFIX + "probe");
      this.thread.setDaemon(true);
    }

    private void run() {
      int round = 0;
      while (running.get()) {
        sampleCheap();
        if (++round % SAMPLES_PER_LIVE_HEAP == 0) {
          markLiveHeap();
        }
        try {
          Thread.sleep(SAMPLE_INTERVAL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private synchronized void sampleCheap() {
      peakDirect = Math.max(peakDirect, directMemory());
      peakFds = Math.max(peakFds, openFds());
      peakThreads = Math.max(peakThreads, liveThreads());
      peakVictimSockets = Math.max(peakVictimSockets,
          SocketTable.heldByVictimExceptFrom(victimPort, RawPeer.HONEST.getHostAddress()));
      gauges.forEach((name, gauge) -> gaugePeaks.merge(name, gauge.getAsInt(), Math::max));
    }

    /** Also samples {@code gauge}, such as the streams open on the victim's side of a connection. */
    Sampler watch(String name, IntSupplier gauge) {
      gauges.put(name, gauge);
      return this;
    }

    /** The peak of a {@linkplain #watch watched} gauge; 0 if it was never sampled. */
    int peak(String name) {
      return gaugePeaks.getOrDefault(name, 0);
    }

    /** The peaks of the watched gauges, by name. */
    Map<String, Integer> gaugePeaks() {
      return Map.copyOf(gaugePeaks);
    }

    /**
     * Takes a live-heap sample now (and the cheap ones): a test calls it at the moment its attack
     * should weigh most, such as when everything is sent and before the victim may cut it off.
     */
    synchronized void markLiveHeap() {
      sampleCheap();
      peakLiveHeap = Math.max(peakLiveHeap, liveHeap());
    }

    long peakLiveHeap() {
      return peakLiveHeap;
    }

    long peakDirect() {
      return peakDirect;
    }

    int peakFds() {
      return peakFds;
    }

    int peakThreads() {
      return peakThreads;
    }

    /** The most sockets the victim held at once for anyone but the honest peer. */
    int peakVictimSockets() {
      return peakVictimSockets;
    }

    @Override
    public void close() throws InterruptedException {
      // Not interrupted: a sample in progress finishes, at most one interval and a collection away.
      running.set(false);
      thread.join();
    }
  }
}
