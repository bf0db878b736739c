package io.jlibp2p.core.resource;

import io.jlibp2p.crypto.PeerId;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The limits a host's resource manager holds its scopes to, modelled on go-libp2p's {@code rcmgr}:
 *
 * <ul>
 *   <li><b>system</b>: everything the host holds;
 *   <li><b>transient</b>: connections still in their handshake and streams still negotiating, so
 *       that a flood of silent sockets or idle streams cannot take the room honest peers need;
 *   <li><b>peer</b>: everything of one remote peer, by default {@link #peerDefault()}, or as set
 *       for a particular peer;
 *   <li><b>connection</b> and <b>stream</b>: each one;
 *   <li><b>protocol</b> and <b>service</b>: the streams of one protocol, or of one host service.
 * </ul>
 *
 * <p>Besides the scopes, {@link #inboundConnectionsPerIp()} bounds the inbound connections from
 * one IPv4 address or one IPv6 /64, handshaking or not.
 *
 * <p>{@link #autoscaled()}, the default, scales with the JVM: with {@code M} the smaller of the max
 * heap and Netty's max direct memory, the memory budget is {@code B = max(128 MiB, M / 4)}, and
 * with {@code F} the process's file-descriptor limit:
 *
 * <table>
 *   <caption>Default limits</caption>
 *   <tr><th>scope</th><th>connections</th><th>streams</th><th>memory</th></tr>
 *   <tr><td>system</td><td>F / 2, at least 64 (and as many descriptors)</td><td>B / 64 KiB</td><td>B</td></tr>
 *   <tr><td>transient</td><td>B / 1 MiB, 64 to 1024</td><td>B / 256 KiB, 256 to 4096</td><td>B / 8</td></tr>
 *   <tr><td>peer</td><td>8 in, 8 out</td><td>512 in, 1024 out</td><td>B / 4</td></tr>
 *   <tr><td>connection</td><td>-</td><td>4096 in, 4096 out</td><td>B / 4</td></tr>
 *   <tr><td>stream</td><td>-</td><td>-</td><td>B / 8, at least 32 MiB</td></tr>
 *   <tr><td>protocol, service</td><td>-</td><td>no limit</td><td>no limit</td></tr>
 * </table>
 *
 * <p>and 16 inbound connections per IP. A yamux stream reserves its 256 KiB receive window as it
 * opens, so with a 256 MiB heap a peer has room for 128 streams at once, and the host for 512.
 *
 * <pre>{@code
 * ResourceLimits limits = ResourceLimits.autoscaled().toBuilder()
 *     .peerDefault(ResourceLimits.autoscaled().peerDefault().withStreams(64, 64))
 *     .inboundConnectionsPerIp(4)
 *     .build();
 * Host host = Libp2p.hostBuilder().resourceLimits(limits).build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ResourceLimits {

  private static final long MIB = 1 << 20;

  private final ScopeLimit system;
  private final ScopeLimit transientLimit;
  private final ScopeLimit peerDefault;
  private final ScopeLimit connection;
  private final ScopeLimit stream;
  private final ScopeLimit protocolDefault;
  private final ScopeLimit serviceDefault;
  private final Map<PeerId, ScopeLimit> peers;
  private final Map<String, ScopeLimit> protocols;
  private final Map<String, ScopeLimit> services;
  private final int inboundConnectionsPerIp;

  private ResourceLimits(Builder builder) {
    this.system = builder.system;
    this.transientLimit = builder.transientLimit;
    this.peerDefault = builder.peerDefault;
    this.connection = builder.connection;
    this.stream = builder.stream;
    this.protocolDefault = builder.protocolDefault;
    this.serviceDefault = builder.serviceDefault;
    this.peers = Map.copyOf(builder.peers);
    this.protocols = Map.copyOf(builder.protocols);
    this.services = Map.copyOf(builder.services);
    this.inboundConnectionsPerIp = builder.inboundConnectionsPerIp;
  }

  /** The defaults, scaled to this JVM's memory and this process's file-descriptor limit. */
  public static ResourceLimits autoscaled() {
    long memory = Math.min(Runtime.getRuntime().maxMemory(), PlatformDependent.maxDirectMemory());
    return autoscaled(memory, fileDescriptorLimit());
  }

  /** The defaults for a JVM with {@code memory} bytes of heap and direct memory and {@code fileDescriptors}. */
  public static ResourceLimits autoscaled(long memory, long fileDescriptors) {
    long budget = Math.max(128 * MIB, memory / 4);
    int fds = (int) Math.min(Integer.MAX_VALUE, Math.max(64, fileDescriptors / 2));
    int systemStreams = (int) Math.min(Integer.MAX_VALUE, budget / (64 * 1024));
    Builder builder = new Builder();
    builder.system = new ScopeLimit(fds, fds, fds, systemStreams, systemStreams, systemStreams, budget, fds);
    int transientConnections = (int) clamp(budget / MIB, 64, 1024);
    int transientStreams = (int) clamp(budget / (256 * 1024), 256, 4096);
    builder.transientLimit = ScopeLimit.UNLIMITED
        .withConnections(transientConnections, transientConnections)
        .withStreams(transientStreams, transientStreams)
        .withMemory(budget / 8);
    builder.peerDefault = ScopeLimit.UNLIMITED.withConnections(8, 8).withStreams(512, 1024).withMemory(budget / 4);
    builder.connection = ScopeLimit.UNLIMITED.withStreams(4096, 4096).withMemory(budget / 4);
    builder.stream = ScopeLimit.UNLIMITED.withMemory(Math.max(32 * MIB, budget / 8));
    builder.protocolDefault = ScopeLimit.UNLIMITED;
    builder.serviceDefault = ScopeLimit.UNLIMITED;
    builder.inboundConnectionsPerIp = 16;
    return builder.build();
  }

  /** No limits at all: for benchmarks and tests that measure something else. */
  public static ResourceLimits unlimited() {
    Builder builder = new Builder();
    builder.inboundConnectionsPerIp = Integer.MAX_VALUE;
    return builder.build();
  }

  private static long clamp(long value, long min, long max) {
    return Math.max(min, Math.min(max, value));
  }

  /** The process's limit on open file descriptors, or 4096 where the JVM cannot tell. */
  static long fileDescriptorLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
      return unix.getMaxFileDescriptorCount();
    }
    return 4096;
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The limits of everything the host holds. */
  public ScopeLimit system() {
    return system;
  }

  /** The limits of connections in their handshake and streams negotiating their protocol. */
  public ScopeLimit transientScope() {
    return transientLimit;
  }

  /** The limits of a peer that has none of its own. */
  public ScopeLimit peerDefault() {
    return peerDefault;
  }

  /** The limits of {@code peer}. */
  public ScopeLimit peer(PeerId peer) {
    return peers.getOrDefault(peer, peerDefault);
  }

  /** The limits of each connection. */
  public ScopeLimit connection() {
    return connection;
  }

  /** The limits of each stream. */
  public ScopeLimit stream() {
    return stream;
  }

  /** The limits of a protocol that has none of its own. */
  public ScopeLimit protocolDefault() {
    return protocolDefault;
  }

  /** The limits of the streams of {@code protocol}. */
  public ScopeLimit protocol(String protocol) {
    return protocols.getOrDefault(protocol, protocolDefault);
  }

  /** The limits of a service that has none of its own. */
  public ScopeLimit serviceDefault() {
    return serviceDefault;
  }

  /** The limits of the streams of {@code service}. */
  public ScopeLimit service(String service) {
    return services.getOrDefault(service, serviceDefault);
  }

  /** Inbound connections at once from one IPv4 address or one IPv6 /64. */
  public int inboundConnectionsPerIp() {
    return inboundConnectionsPerIp;
  }

  @Override
  public String toString() {
    return "ResourceLimits(system=" + system + ", transient=" + transientLimit + ", peer=" + peerDefault
        + ", connection=" + connection + ", stream=" + stream + ", inboundConnectionsPerIp=" + inboundConnectionsPerIp + ")";
  }

  /** Configures {@link ResourceLimits}; starts from {@link #unlimited()} or from the limits it was made from. */
  public static final class Builder {
    private ScopeLimit system = ScopeLimit.UNLIMITED;
    private ScopeLimit transientLimit = ScopeLimit.UNLIMITED;
    private ScopeLimit peerDefault = ScopeLimit.UNLIMITED;
    private ScopeLimit connection = ScopeLimit.UNLIMITED;
    private ScopeLimit stream = ScopeLimit.UNLIMITED;
    private ScopeLimit protocolDefault = ScopeLimit.UNLIMITED;
    private ScopeLimit serviceDefault = ScopeLimit.UNLIMITED;
    private final Map<PeerId, ScopeLimit> peers = new HashMap<>();
    private final Map<String, ScopeLimit> protocols = new HashMap<>();
    private final Map<String, ScopeLimit> services = new HashMap<>();
    private int inboundConnectionsPerIp = Integer.MAX_VALUE;

    private Builder() {}

    private Builder(ResourceLimits limits) {
      system = limits.system;
      transientLimit = limits.transientLimit;
      peerDefault = limits.peerDefault;
      connection = limits.connection;
      stream = limits.stream;
      protocolDefault = limits.protocolDefault;
      serviceDefault = limits.serviceDefault;
      peers.putAll(limits.peers);
      protocols.putAll(limits.protocols);
      services.putAll(limits.services);
      inboundConnectionsPerIp = limits.inboundConnectionsPerIp;
    }

    public Builder system(ScopeLimit limit) {
      this.system = Objects.requireNonNull(limit, "limit");
      return this;
    }

    public Builder transientScope(ScopeLimit limit) {
      this.transientLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    public Builder peerDefault(ScopeLimit limit) {
      this.peerDefault = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** Limits for one peer, such as a trusted one that may have more. */
    public Builder peer(PeerId peer, ScopeLimit limit) {
      peers.put(Objects.requireNonNull(peer, "peer"), Objects.requireNonNull(limit, "limit"));
      return this;
    }

    public Builder connection(ScopeLimit limit) {
      this.connection = Objects.requireNonNull(limit, "limit");
      return this;
    }

    public Builder stream(ScopeLimit limit) {
      this.stream = Objects.requireNonNull(limit, "limit");
      return this;
    }

    public Builder protocolDefault(ScopeLimit limit) {
      this.protocolDefault = Objects.requireNonNull(limit, "limit");
      return this;
    }

    public Builder protocol(String protocol, ScopeLimit limit) {
      protocols.put(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(limit, "limit"));
      return this;
    }

    public Builder serviceDefault(ScopeLimit limit) {
      this.serviceDefault = Objects.requireNonNull(limit, "limit");
      return this;
    }

    public Builder service(String service, ScopeLimit limit) {
      services.put(Objects.requireNonNull(service, "service"), Objects.requireNonNull(limit, "limit"));
      return this;
    }

    public Builder inboundConnectionsPerIp(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("inboundConnectionsPerIp must be positive: " + count);
      }
      this.inboundConnectionsPerIp = count;
      return this;
    }

    public ResourceLimits build() {
      return new ResourceLimits(this);
    }
  }
}
