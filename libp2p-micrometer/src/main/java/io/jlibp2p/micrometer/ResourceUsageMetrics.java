package io.jlibp2p.micrometer;

import io.jlibp2p.core.resource.ResourceUsage;
import io.jlibp2p.core.resource.ScopeUsage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Gauges of what a host's resource scopes hold, read from {@code host.resourceUsage()} whenever
 * the registry is scraped:
 *
 * <ul>
 *   <li>{@code libp2p.resource.connections} by {@code scope} ({@code system}, {@code transient})
 *       and {@code direction};
 *   <li>{@code libp2p.resource.streams}, the same;
 *   <li>{@code libp2p.resource.memory} (bytes) and {@code libp2p.resource.file.descriptors} by
 *       {@code scope};
 *   <li>{@code libp2p.resource.peers}: the peers holding anything.
 * </ul>
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * ResourceUsageMetrics.bind(registry, host.resourceUsage(), "main");
 * }</pre>
 *
 * <p>Per-peer and per-protocol figures stay out of the tags, which must be bounded; refusals are
 * counted by {@link MicrometerEventListener} as {@code libp2p.limits.exceeded}.
 */
public final class ResourceUsageMetrics {

  private ResourceUsageMetrics() {}

  /**
   * Registers the gauges of {@code usage} in {@code registry}, tagged {@code host=hostName} so that
   * several hosts can share a registry. The registry holds {@code usage} (and so its host) strongly.
   */
  public static void bind(MeterRegistry registry, ResourceUsage usage, String hostName) {
    Objects.requireNonNull(usage, "usage");
    Tags host = Tags.of("host", Objects.requireNonNull(hostName, "hostName"));
    for (String scope : new String[] {"system", "transient"}) {
      Tags tags = host.and("scope", scope);
      gauge(registry, "libp2p.resource.connections", tags.and("direction", "inbound"), usage,
          u -> scope(u, scope).connectionsInbound(), "connections held");
      gauge(registry, "libp2p.resource.connections", tags.and("direction", "outbound"), usage,
          u -> scope(u, scope).connectionsOutbound(), "connections held");
      gauge(registry, "libp2p.resource.streams", tags.and("direction", "inbound"), usage,
          u -> scope(u, scope).streamsInbound(), "streams held");
      gauge(registry, "libp2p.resource.streams", tags.and("direction", "outbound"), usage,
          u -> scope(u, scope).streamsOutbound(), "streams held");
      Gauge.builder("libp2p.resource.memory", usage, u -> scope(u, scope).memory()).baseUnit(BaseUnits.BYTES)
          .description("memory reserved").tags(tags).strongReference(true).register(registry);
      gauge(registry, "libp2p.resource.file.descriptors", tags, usage, u -> scope(u, scope).fileDescriptors(),
          "file descriptors held");
    }
    gauge(registry, "libp2p.resource.peers", host, usage, u -> u.peers().size(), "peers holding resources");
  }

  private static ScopeUsage scope(ResourceUsage usage, String scope) {
    return "system".equals(scope) ? usage.system() : usage.transientScope();
  }

  private static void gauge(MeterRegistry registry, String name, Tags tags, ResourceUsage usage,
      ToDoubleFunction<ResourceUsage> value, String description) {
    Gauge.builder(name, usage, value).description(description).tags(tags).strongReference(true).register(registry);
  }
}
