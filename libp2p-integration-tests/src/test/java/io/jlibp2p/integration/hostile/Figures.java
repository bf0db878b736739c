package io.jlibp2p.integration.hostile;

import io.jlibp2p.integration.probe.ResourceProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One case's measurements, printed to stdout as one structured line for docs/reliability.md:
 *
 * <pre>
 * HOSTILE case=YamuxAttacksTest.pingFlood cutoffMs=none(&gt;5000) peakHeapMiB=41.2 peakDirectMiB=8.0 ...
 * </pre>
 *
 * Growths are against the baseline taken before the attack; {@code peakFds} is the process's
 * (attackers included), {@code peakVictimSockets} the victim's own sockets for anyone but the
 * honest peer. Printed before the case's assertions, so that a failing case reports its figures too.
 */
final class Figures {

  private final String caseName;
  private final ResourceProbe.Snapshot baseline;
  private final Map<String, String> fields = new LinkedHashMap<>();

  Figures(String caseName, ResourceProbe.Snapshot baseline) {
    this.caseName = caseName;
    this.baseline = baseline;
  }

  /** How long the victim took to cut the offender off, or that it did not within {@code bound}. */
  Figures cutoff(Optional<Duration> cutoff, Duration bound) {
    fields.put("cutoffMs", cutoff.map(d -> Long.toString(d.toMillis())).orElse("none(>" + bound.toMillis() + ")"));
    return this;
  }

  /** The sampled peaks. */
  Figures peaks(ResourceProbe.Sampler sampler) {
    fields.put("peakHeapMiB", ResourceProbe.mib(sampler.peakLiveHeap() - baseline.liveHeap()));
    fields.put("peakDirectMiB", ResourceProbe.mib(sampler.peakDirect() - baseline.directMemory()));
    fields.put("peakFds", Integer.toString(sampler.peakFds()));
    fields.put("baseFds", Integer.toString(baseline.fds()));
    fields.put("peakThreads", Integer.toString(sampler.peakThreads()));
    fields.put("baseThreads", Integer.toString(baseline.threads()));
    // The watched gauges, the victim's sockets among them (peakVictimSockets).
    new TreeMap<>(sampler.gaugePeaks()).forEach((name, peak) -> fields.put("peak" + Character.toUpperCase(name.charAt(0)) + name.substring(1), Integer.toString(peak)));
    return this;
  }

  /** What is left once the attack is over and the attackers are gone. */
  Figures after(ResourceProbe.Snapshot after) {
    fields.put("afterHeapMiB", ResourceProbe.mib(after.liveHeap() - baseline.liveHeap()));
    fields.put("afterFds", Integer.toString(after.fds()));
    fields.put("afterThreads", Integer.toString(after.threads()));
    return this;
  }

  /** The honest peer's dial and ping during the attack, or that it failed. */
  Figures honestPing(Optional<Duration> elapsed) {
    fields.put("honestPingMs", elapsed.map(d -> Long.toString(d.toMillis())).orElse("failed"));
    return this;
  }

  /** A figure of the case's own, such as how many answers an attacker got. */
  Figures put(String name, Object value) {
    fields.put(name, String.valueOf(value));
    return this;
  }

  String line() {
    StringBuilder line = new StringBuilder("HOSTILE case=").append(caseName);
    fields.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
    return line.toString();
  }

  void print() {
    System.out.println(line());
  }
}
