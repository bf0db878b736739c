package io.jlibp2p.integration.soak;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.resource.ResourceUsage;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.integration.probe.ResourceProbe;
import io.jlibp2p.testing.Eventually;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.function.Executable;

/**
 * One soak case: rounds of something that must leave nothing behind (a connection's whole life, a
 * failed dial), first {@link #WARM_UP} unmeasured ones, since pools, classes and thread pools fill
 * lazily; then the baseline; then the measured rounds under a {@link ResourceProbe.Sampler}; then
 * what is left, once descriptors and threads had {@link #SETTLE_WITHIN} to go. It prints one line
 * for docs/reliability.md, before checking, so that a failing case reports its figures too:
 *
 * <pre>
 * SOAK case=cycles.NOISE_YAMUX cycles=10000 warmUp=100 seconds=173.1 baseHeapMiB=17.8 afterHeapMiB=17.9 peakHeapMiB=18.0 ...
 * </pre>
 *
 * and checks that what is left is within a stated tolerance of the baseline: each failure says
 * what grew, and by how much. A count that shrank is no leak (an idle pool thread ends).
 */
final class Soak {

  /** Unmeasured rounds before the baseline; {@code -Dsoak.warmup}. */
  static final int WARM_UP = Integer.getInteger("soak.warmup", 100);

  /** Descriptors the process may hold above its baseline afterwards (a class file open for a moment). */
  static final int FD_TOLERANCE = 4;

  /** Threads above the baseline afterwards (Netty's global executor starts one on demand). */
  static final int THREAD_TOLERANCE = 2;

  /** Live heap above the baseline afterwards. */
  static final long HEAP_TOLERANCE = 8L << 20;

  /**
   * Netty's direct memory above the baseline afterwards, by each of its two measures: one chunk of
   * its pooled allocator (4 MiB), which an allocator may keep cached once a burst has made it.
   */
  static final long DIRECT_TOLERANCE = 4L << 20;

  /** Every wait inside a round: a round that hangs fails in seconds, not at the class's timeout. */
  static final Duration ROUND_WAIT = Duration.ofSeconds(10);

  /** How long descriptors and threads get to come back before what is left is measured. */
  static final Duration SETTLE_WITHIN = Duration.ofSeconds(10);

  /** One round of a case, numbered from 0, warm-up rounds included. */
  @FunctionalInterface
  interface Round {
    void run(int index) throws Exception;
  }

  private Soak() {}

  /**
   * Runs {@link #WARM_UP} rounds, takes the baseline, runs {@code rounds} more under the sampler,
   * lets the process settle, prints the figures and checks them.
   *
   * @param ownFigures figures of the case's own, printed after the common ones
   */
  static void run(String caseName, int rounds, Map<String, Object> ownFigures, Round round) throws Exception {
    for (int i = 0; i < WARM_UP; i++) {
      runRound(caseName, i, round);
    }
    ResourceProbe.Snapshot baseline = ResourceProbe.snapshot();
    long started = System.nanoTime();
    ResourceProbe.Sampler sampler = ResourceProbe.sample();
    try (sampler) {
      for (int i = WARM_UP; i < WARM_UP + rounds; i++) {
        runRound(caseName, i, round);
      }
      sampler.markLiveHeap();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    ResourceProbe.Snapshot after = settle(baseline);

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("cycles", rounds);
    figures.put("warmUp", WARM_UP);
    figures.put("seconds", String.format(Locale.ROOT, "%.1f", seconds));
    figures.put("baseHeapMiB", ResourceProbe.mib(baseline.liveHeap()));
    figures.put("afterHeapMiB", ResourceProbe.mib(after.liveHeap()));
    figures.put("peakHeapMiB", ResourceProbe.mib(sampler.peakLiveHeap()));
    figures.put("baseDirectMiB", mibOrNone(baseline.countedDirect()));
    figures.put("afterDirectMiB", mibOrNone(after.countedDirect()));
    figures.put("basePooledMiB", mibOrNone(baseline.pooledDirect()));
    figures.put("afterPooledMiB", mibOrNone(after.pooledDirect()));
    figures.put("peakDirectMiB", ResourceProbe.mib(sampler.peakDirect()));
    figures.put("baseFds", baseline.fds());
    figures.put("afterFds", after.fds());
    figures.put("peakFds", sampler.peakFds());
    figures.put("baseThreads", baseline.threads());
    figures.put("afterThreads", after.threads());
    figures.put("peakThreads", sampler.peakThreads());
    figures.put("leakDetection", ResourceLeakDetector.getLevel());
    figures.putAll(ownFigures);
    StringBuilder line = new StringBuilder("SOAK case=").append(caseName);
    figures.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
    System.out.println(line);

    String what = " after " + rounds + " rounds of " + caseName;
    List<Executable> checks = new ArrayList<>();
    checks.add(countWithin("open descriptors", baseline.fds(), after.fds(), FD_TOLERANCE, what));
    checks.add(countWithin("live threads", baseline.threads(), after.threads(), THREAD_TOLERANCE, what));
    checks.add(bytesWithin("live heap after a full GC", baseline.liveHeap(), after.liveHeap(), HEAP_TOLERANCE, what));
    if (baseline.countedDirect() >= 0) {
      checks.add(bytesWithin("Netty's direct memory (PlatformDependent.usedDirectMemory())",
          baseline.countedDirect(), after.countedDirect(), DIRECT_TOLERANCE, what));
    }
    if (baseline.pooledDirect() >= 0) {
      checks.add(bytesWithin("the default allocator's direct memory (its metric)",
          baseline.pooledDirect(), after.pooledDirect(), DIRECT_TOLERANCE, what));
    }
    assertAll(line.toString(), checks.stream());
  }

  /**
   * Waits until each of {@code hosts} holds nothing: no connection, and nothing in any resource
   * scope (connections, streams, memory, descriptors; in handshakes, per peer, protocol and service).
   */
  static void awaitForgotten(String what, Host... hosts) throws InterruptedException {
    awaitRound(what, () -> {
      for (Host host : hosts) {
        if (!host.connections().isEmpty() || !holdsNothing(host.resourceUsage())) {
          return false;
        }
      }
      return true;
    }, () -> describe(hosts));
  }

  /** Waits within {@link #ROUND_WAIT} for {@code condition}; a failure adds {@code state}. */
  static void awaitRound(String what, BooleanSupplier condition, Supplier<String> state)
      throws InterruptedException {
    try {
      Eventually.await(what, ROUND_WAIT, condition);
    } catch (AssertionError notInTime) {
      throw new AssertionError(notInTime.getMessage() + "; now: " + state.get());
    }
  }

  private static boolean holdsNothing(ResourceUsage usage) {
    return usage.system().equals(ScopeUsage.NONE)
        && usage.transientScope().equals(ScopeUsage.NONE)
        && usage.peers().isEmpty()
        && usage.protocols().isEmpty()
        && usage.services().isEmpty();
  }

  private static String describe(Host... hosts) {
    StringBuilder state = new StringBuilder();
    for (Host host : hosts) {
      ResourceUsage usage = host.resourceUsage();
      state.append(host.peerId()).append(": ").append(host.connections().size()).append(" connections, system ")
          .append(usage.system()).append(", transient ").append(usage.transientScope()).append(", peers ")
          .append(usage.peers()).append(", protocols ").append(usage.protocols()).append(", services ")
          .append(usage.services()).append("; ");
    }
    return state.toString();
  }

  private static void runRound(String caseName, int index, Round round) throws Exception {
    try {
      round.run(index);
    } catch (Exception | AssertionError e) {
      throw new AssertionError(caseName + ": round " + index + " (warm-up rounds included) failed: " + e, e);
    }
  }

  /** Waits for descriptors and threads to come back, then measures what is left. */
  private static ResourceProbe.Snapshot settle(ResourceProbe.Snapshot baseline) throws InterruptedException {
    try {
      Eventually.await("descriptors and threads come back to their baseline", SETTLE_WITHIN,
          () -> ResourceProbe.openFds() <= baseline.fds() + FD_TOLERANCE
              && ResourceProbe.liveThreads() <= baseline.threads() + THREAD_TOLERANCE);
    } catch (AssertionError notInTime) {
      // The snapshot shows how far off they are, and the checks fail with it.
    }
    return ResourceProbe.snapshot();
  }

  private static Executable countWithin(String name, int base, int after, int tolerance, String what) {
    return () -> assertTrue(after - base <= tolerance,
        name + " grew by " + (after - base) + what + " (" + base + " to " + after + "); the tolerance is " + tolerance);
  }

  private static Executable bytesWithin(String name, long base, long after, long tolerance, String what) {
    return () -> assertTrue(after - base <= tolerance,
        name + " grew by " + ResourceProbe.mib(after - base) + " MiB" + what + " (" + ResourceProbe.mib(base)
            + " to " + ResourceProbe.mib(after) + " MiB); the tolerance is " + ResourceProbe.mib(tolerance) + " MiB");
  }

  private static String mibOrNone(long bytes) {
    return bytes < 0 ? "none" : ResourceProbe.mib(bytes);
  }
}
