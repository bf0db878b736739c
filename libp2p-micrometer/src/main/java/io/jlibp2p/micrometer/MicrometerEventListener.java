package io.jlibp2p.micrometer;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A host's {@link EventListener} that records into a Micrometer {@link MeterRegistry}.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * Host host = Libp2p.hostBuilder()
 *     .eventListener(MicrometerEventListener.create(registry))
 *     .build();
 * }</pre>
 *
 * <p>The meters, all named {@code libp2p.*}:
 *
 * <ul>
 *   <li>{@code libp2p.connections.open} (gauge) and {@code libp2p.connections.opened} / {@code
 *       libp2p.connections.closed} (counters), by {@code direction}, {@code security} and {@code
 *       muxer}; closed also by {@code reason} ({@code local}, {@code remote});
 *   <li>{@code libp2p.streams.open} (gauge) and {@code libp2p.streams.opened} (counter), by {@code
 *       direction} and {@code protocol};
 *   <li>{@code libp2p.stream.bytes.read} and {@code libp2p.stream.bytes.written} (counters, in
 *       bytes, added when a stream closes), by {@code protocol};
 *   <li>{@code libp2p.dial.duration} (timer), by {@code outcome} ({@code success}, {@code failure});
 *   <li>{@code libp2p.security.handshake.duration} (timer), by {@code direction} and {@code
 *       security}; {@code libp2p.upgrade.duration} (timer, from raw connection to muxer), by
 *       {@code direction}, {@code security} and {@code muxer};
 *   <li>{@code libp2p.upgrade.failures}, by {@code direction} and {@code phase}; {@code
 *       libp2p.stream.negotiation.failures}; {@code libp2p.identify} by {@code outcome}; {@code
 *       libp2p.limits.exceeded} (counters).
 * </ul>
 *
 * <p>Tag values are bounded: directions, phases and outcomes are fixed sets; security and muxer
 * protocols are those the host offers; stream protocols are those it negotiated, which a handler
 * for a family ({@code /chat/1.*}) lets the remote choose, so past {@value #MAX_PROTOCOL_TAGS}
 * distinct ones the rest count as {@code other}. No peer ID or address becomes a tag.
 *
 * <p>Several hosts may record into one registry: their meters add up (the gauges too). Thread-safe,
 * and it never blocks.
 */
public final class MicrometerEventListener implements EventListener {

  /** The most distinct stream protocols that become tag values; the rest are {@code other}. */
  public static final int MAX_PROTOCOL_TAGS = 64;

  /**
   * Gauge values per registry, shared by every listener on it: a registry keeps one gauge per
   * name and tags, so a second host's values must add to the first's rather than go unread.
   */
  private static final Map<MeterRegistry, Map<GaugeKey, AtomicLong>> GAUGES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private record GaugeKey(String name, Tags tags) {}

  private final MeterRegistry registry;
  private final Map<GaugeKey, AtomicLong> gauges;
  private final Set<String> protocolTags = ConcurrentHashMap.newKeySet();

  private MicrometerEventListener(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.gauges = GAUGES.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
  }

  /** A listener that records into {@code registry}; give it to {@code Host.Builder.eventListener}. */
  public static MicrometerEventListener create(MeterRegistry registry) {
    return new MicrometerEventListener(registry);
  }

  private static String tag(Direction direction) {
    return direction.name().toLowerCase(Locale.ROOT);
  }

  private static Tags connectionTags(Connection connection) {
    return Tags.of("direction", tag(connection.direction()), "security", connection.securityProtocol(),
        "muxer", connection.muxerProtocol());
  }

  private Tags streamTags(Stream stream) {
    return Tags.of("direction", tag(stream.direction()), "protocol", protocolTag(stream.protocol()));
  }

  /** {@code protocol}, or {@code other} once {@value #MAX_PROTOCOL_TAGS} others are in use. */
  private String protocolTag(String protocol) {
    // The set only grows, so a stream's protocol maps to the same value at its open and its close.
    if (protocolTags.contains(protocol) || (protocolTags.size() < MAX_PROTOCOL_TAGS && protocolTags.add(protocol))) {
      return protocol;
    }
    return protocolTags.contains(protocol) ? protocol : "other";
  }

  private AtomicLong gauge(String name, String description, Tags tags) {
    return gauges.computeIfAbsent(new GaugeKey(name, tags), key -> {
      AtomicLong value = new AtomicLong();
      // Strong: the registry would otherwise hold the value weakly, and report NaN once it is gone.
      Gauge.builder(name, value, AtomicLong::get).description(description).tags(tags).strongReference(true)
          .register(registry);
      return value;
    });
  }

  private Counter counter(String name, Tags tags) {
    return registry.counter(name, tags);
  }

  private Counter bytes(String name, Tags tags) {
    return Counter.builder(name).baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
  }

  private Timer timer(String name, Tags tags) {
    return registry.timer(name, tags);
  }

  @Override
  public void dialSucceeded(Multiaddr address, Connection connection, Duration elapsed) {
    timer("libp2p.dial.duration", Tags.of("outcome", "success")).record(elapsed);
  }

  @Override
  public void dialFailed(Multiaddr address, Optional<PeerId> peer, Throwable cause, Duration elapsed) {
    timer("libp2p.dial.duration", Tags.of("outcome", "failure")).record(elapsed);
  }

  @Override
  public void securityHandshakeDone(
      Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {
    timer("libp2p.security.handshake.duration", Tags.of("direction", tag(direction), "security", protocol)).record(elapsed);
  }

  @Override
  public void upgradeFailed(Direction direction, Multiaddr remoteAddress, UpgradeException cause, Duration elapsed) {
    counter("libp2p.upgrade.failures",
        Tags.of("direction", tag(direction), "phase", cause.phase().name().toLowerCase(Locale.ROOT))).increment();
  }

  @Override
  public void connectionOpened(Connection connection, Duration upgradeTime) {
    Tags tags = connectionTags(connection);
    timer("libp2p.upgrade.duration", tags).record(upgradeTime);
    counter("libp2p.connections.opened", tags).increment();
    gauge("libp2p.connections.open", "connections open now", tags).incrementAndGet();
  }

  @Override
  public void connectionClosed(Connection connection, Connection.CloseReason reason, Duration lifetime) {
    Tags tags = connectionTags(connection);
    counter("libp2p.connections.closed", tags.and("reason", reason.name().toLowerCase(Locale.ROOT))).increment();
    gauge("libp2p.connections.open", "connections open now", tags).decrementAndGet();
  }

  @Override
  public void identifyDone(Connection connection, IdentifyInfo info) {
    counter("libp2p.identify", Tags.of("outcome", "success")).increment();
  }

  @Override
  public void identifyFailed(Connection connection, Throwable cause) {
    counter("libp2p.identify", Tags.of("outcome", "failure")).increment();
  }

  @Override
  public void streamOpened(Stream stream) {
    Tags tags = streamTags(stream);
    counter("libp2p.streams.opened", tags).increment();
    gauge("libp2p.streams.open", "streams open now", tags).incrementAndGet();
  }

  @Override
  public void streamNegotiationFailed(Connection connection, List<String> protocols, Throwable cause) {
    counter("libp2p.stream.negotiation.failures", Tags.empty()).increment();
  }

  @Override
  public void streamClosed(Stream stream, Duration lifetime) {
    Tags tags = streamTags(stream);
    gauge("libp2p.streams.open", "streams open now", tags).decrementAndGet();
    Tags byProtocol = Tags.of("protocol", protocolTag(stream.protocol()));
    bytes("libp2p.stream.bytes.read", byProtocol).increment(stream.bytesRead());
    bytes("libp2p.stream.bytes.written", byProtocol).increment(stream.bytesWritten());
  }

  @Override
  public void limitExceeded(Optional<PeerId> peer, LimitExceededException cause) {
    counter("libp2p.limits.exceeded", Tags.empty()).increment();
  }
}
