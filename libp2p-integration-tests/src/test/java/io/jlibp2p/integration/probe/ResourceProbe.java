package io.jlibp2p.integration.probe;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * What the test JVM spends: live heap (after collecting garbage), Netty's direct memory, open file
 * descriptors and live threads; and, while a test runs, the peaks of each, sampled by a background
 * thread. The hostile suite and the soak test measure with it. A suite's own threads (named
 * {@value #OWN_THREAD_PREFIX}..., such as the sampler and attacker helpers) are left out of the
 * thread count; their sockets are not left out of the descriptor count.
 */
public final class ResourceProbe {

  /** The name prefix of the test harness's own threads, which the thread count leaves out. */
  public static final String OWN_THREAD_PREFIX = "probe-";

  private static final long SAMPLE_INTERVAL_MILLIS = 200;

  /** Collecting garbage for a live-heap sample stops the world; once a second is enough. */
  private static final int SAMPLES_PER_LIVE_HEAP = 5;

  /**
   * Full collections for a snapshot's live heap: at least two (the first may only queue what the
   * second frees, such as buffers behind cleaners and leak-tracking references), then more until a
   * round frees less than {@link #STABLE_HEAP_DELTA}, at most this many.
   */
  private static final int MAX_COLLECTIONS = 5;

  private static final long STABLE_HEAP_DELTA = 256L << 10;

  /**
   * Full collections for a sample while a test runs: two, since the heap is not still then and
   * more rounds would only stop the world longer under the load being measured.
   */
  private static final int SAMPLE_COLLECTIONS = 2;

  private static final double MIB = 1024.0 * 1024.0;

  /**
   * What the process held at one moment.
   *
   * @param liveHeap heap in use after full collections ({@link #liveHeap()})
   * @param countedDirect Netty's own count of the direct memory it allocated ({@link
   *     PlatformDependent#usedDirectMemory()}); -1 where Netty keeps none
   * @param pooledDirect what the default allocator's pools hold of direct memory; -1 if it reports none
   * @param fds open file descriptors
   * @param threads live threads, but the harness's own
   */
  public record Snapshot(long liveHeap, long countedDirect, long pooledDirect, int fds, int threads) {

    /** Netty's direct memory: the larger of its two measures ({@link ResourceProbe#directMemory()}). */
    public long directMemory() {
      return Math.max(0, Math.max(countedDirect, pooledDirect));
    }
  }

  private ResourceProbe() {}

  /** A snapshot, after collecting garbage. */
  public static Snapshot snapshot() {
    long heap = liveHeap();
    return new Snapshot(heap, countedDirectMemory(), pooledDirectMemory(), openFds(), liveThreads());
  }

  /**
   * The heap still in use after full collections, repeated until a round frees next to nothing:
   * what is actually retained.
   */
  public static long liveHeap() {
    return liveHeap(MAX_COLLECTIONS);
  }

  private static long liveHeap(int maxCollections) {
    long used = Long.MAX_VALUE;
    for (int round = 0; round < maxCollections; round++) {
      System.gc();
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      boolean stable = round > 0 && used - now < STABLE_HEAP_DELTA;
      used = Math.min(used, now);
      if (stable) {
        break;
      }
    }
    return used;
  }

  /**
   * Netty's direct memory: its own counter where it keeps one, else what the default allocator's
   * pools hold, whichever is larger (Netty 4.2's default allocator is the adaptive one, not {@code
   * PooledByteBufAllocator.DEFAULT}).
   */
  public static long directMemory() {
    return Math.max(0, Math.max(countedDirectMemory(), pooledDirectMemory()));
  }

  /** {@link PlatformDependent#usedDirectMemory()}: -1 where Netty keeps no count. */
  public static long countedDirectMemory() {
    return PlatformDependent.usedDirectMemory();
  }

  /** The direct memory the default allocator's metric reports; -1 if it has no metric. */
  public static long pooledDirectMemory() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider
        ? provider.metric().usedDirectMemory()
        : -1;
  }

  /** Open file descriptors of this process. */
  public static int openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd: measuring descriptors needs Linux", e);
    }
  }

  /** Live threads, but the harness's own. */
  public static int liveThreads() {
    int count = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.isAlive() && !thread.getName().startsWith(OWN_THREAD_PREFIX)) {
        count++;
      }
    }
    return count;
  }

  /** {@code bytes} in MiB with one decimal, as the suites print their figures. */
  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / MIB);
  }

  /** Starts sampling the peaks of what the process holds; add gauges of a test's own with {@link Sampler#watch}. */
  public static Sampler sample() {
    Sampler sampler = new Sampler();
    sampler.thread.start();
    return sampler;
  }

  /** The peaks seen since it started; {@link #close()} stops it. */
  public static final class Sampler implements AutoCloseable {
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile long peakLiveHeap;
    private volatile long peakDirect;
    private volatile int peakFds;
    private volatile int peakThreads;
    private final Map<String, IntSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, Integer> gaugePeaks = new ConcurrentHashMap<>();

    private Sampler() {
      this.thread = new Thread(this::run, OWN_THREAD_PREFIX + "sampler");
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
      gauges.forEach((name, gauge) -> gaugePeaks.merge(name, gauge.getAsInt(), Math::max));
    }

    /** Also samples {@code gauge}, such as the streams open on one side of a connection. */
    public Sampler watch(String name, IntSupplier gauge) {
      gauges.put(name, gauge);
      return this;
    }

    /** The peak of a {@linkplain #watch watched} gauge; 0 if it was never sampled. */
    public int peak(String name) {
      return gaugePeaks.getOrDefault(name, 0);
    }

    /** The peaks of the watched gauges, by name. */
    public Map<String, Integer> gaugePeaks() {
      return Map.copyOf(gaugePeaks);
    }

    /**
     * Takes a live-heap sample now (and the cheap ones): a test calls it at the moment its load
     * should weigh most, such as when everything is sent and before the other side may cut it off.
     */
    public synchronized void markLiveHeap() {
      sampleCheap();
      peakLiveHeap = Math.max(peakLiveHeap, liveHeap(SAMPLE_COLLECTIONS));
    }

    public long peakLiveHeap() {
      return peakLiveHeap;
    }

    public long peakDirect() {
      return peakDirect;
    }

    public int peakFds() {
      return peakFds;
    }

    public int peakThreads() {
      return peakThreads;
    }

    @Override
    public void close() throws InterruptedException {
      // Not interrupted: a sample in progress finishes, at most one interval and a collection away.
      running.set(false);
      thread.join();
    }
  }
}
