package io.jlibp2p.core.connmgr;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link ConnectionManager} bounds the host's connections. Immutable; {@link #builder()}
 * makes one, {@link #toBuilder()} derives a variant, {@link #defaults()} is go-libp2p's.
 *
 * <pre>{@code
 * import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
 *
 * ConnectionManagerConfig config = ConnectionManagerConfig.builder()
 *     .lowWater(50)
 *     .highWater(100)
 *     .gracePeriod(Duration.ofSeconds(30))
 *     .build();
 * }</pre>
 *
 * <p>When the host holds more than {@link #highWater()} connections, the manager closes those of
 * its least valuable peers until {@link #lowWater()} remain. The gap between the two marks is what
 * keeps it from trimming on every new connection. As in go-libp2p, the marks count connections,
 * not peers, and only the connections that may be trimmed count toward the low mark: those of
 * protected peers and of peers in their {@link #gracePeriod()} are kept on top of it.
 */
public final class ConnectionManagerConfig {

  /** go-libp2p's {@code DefaultConnectionManager}: {@code NewConnManager(160, 192)}. */
  public static final int DEFAULT_LOW_WATER = 160;

  /** go-libp2p's {@code DefaultConnectionManager}: {@code NewConnManager(160, 192)}. */
  public static final int DEFAULT_HIGH_WATER = 192;

  /** go-libp2p's {@code gracePeriod} default. */
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(1);

  /** go-libp2p's {@code silencePeriod} default. */
  public static final Duration DEFAULT_SILENCE_PERIOD = Duration.ofSeconds(10);

  /** go-libp2p's {@code DefaultResolution} of its decayer. */
  public static final Duration DEFAULT_DECAY_RESOLUTION = Duration.ofMinutes(1);

  private static final ConnectionManagerConfig DEFAULTS = builder().build();

  private final int lowWater;
  private final int highWater;
  private final Duration gracePeriod;
  private final Duration silencePeriod;
  private final Optional<Duration> idleTimeout;
  private final Duration decayResolution;

  private ConnectionManagerConfig(Builder builder) {
    this.lowWater = builder.lowWater;
    this.highWater = builder.highWater;
    this.gracePeriod = builder.gracePeriod;
    this.silencePeriod = builder.silencePeriod;
    this.idleTimeout = builder.idleTimeout;
    this.decayResolution = builder.decayResolution;
  }

  /** go-libp2p's defaults: 160 and 192 connections, 1 min grace, 10 s silence, no idle timeout. */
  public static ConnectionManagerConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.lowWater = lowWater;
    builder.highWater = highWater;
    builder.gracePeriod = gracePeriod;
    builder.silencePeriod = silencePeriod;
    builder.idleTimeout = idleTimeout;
    builder.decayResolution = decayResolution;
    return builder;
  }

  /** The connection count a trim brings the trimmable connections down to. */
  public int lowWater() {
    return lowWater;
  }

  /** The connection count above which the manager trims. */
  public int highWater() {
    return highWater;
  }

  /** How long after a peer's first connection its connections are never trimmed. */
  public Duration gracePeriod() {
    return gracePeriod;
  }

  /** The least time between two automatic trims. */
  public Duration silencePeriod() {
    return silencePeriod;
  }

  /**
   * How long a connection may stay without an open stream before it is closed, or empty if such
   * connections are left to the watermarks. See {@link Builder#idleTimeout(Duration)}.
   */
  public Optional<Duration> idleTimeout() {
    return idleTimeout;
  }

  /** How often decaying tags are decayed at most; no tag decays more often than this. */
  public Duration decayResolution() {
    return decayResolution;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionManagerConfig other
        && lowWater == other.lowWater
        && highWater == other.highWater
        && gracePeriod.equals(other.gracePeriod)
        && silencePeriod.equals(other.silencePeriod)
        && idleTimeout.equals(other.idleTimeout)
        && decayResolution.equals(other.decayResolution);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lowWater, highWater, gracePeriod, silencePeriod, idleTimeout, decayResolution);
  }

  @Override
  public String toString() {
    return "ConnectionManagerConfig{lowWater=" + lowWater + ", highWater=" + highWater
        + ", gracePeriod=" + gracePeriod + ", silencePeriod=" + silencePeriod
        + ", idleTimeout=" + idleTimeout.map(Duration::toString).orElse("none")
        + ", decayResolution=" + decayResolution + "}";
  }

  /** Configures a {@link ConnectionManagerConfig}; each setter checks its own value. */
  public static final class Builder {
    private int lowWater = DEFAULT_LOW_WATER;
    private int highWater = DEFAULT_HIGH_WATER;
    private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private Duration silencePeriod = DEFAULT_SILENCE_PERIOD;
    private Optional<Duration> idleTimeout = Optional.empty();
    private Duration decayResolution = DEFAULT_DECAY_RESOLUTION;

    private Builder() {}

    /** The low watermark, 0 or more; 160 by default. */
    public Builder lowWater(int lowWater) {
      if (lowWater < 0) {
        throw new IllegalArgumentException("lowWater must not be negative, got " + lowWater);
      }
      this.lowWater = lowWater;
      return this;
    }

    /** The high watermark, 1 or more; 192 by default. */
    public Builder highWater(int highWater) {
      if (highWater < 1) {
        throw new IllegalArgumentException("highWater must be at least 1, got " + highWater);
      }
      this.highWater = highWater;
      return this;
    }

    /** The grace period, zero or more (zero: new peers may be trimmed at once); 1 min by default. */
    public Builder gracePeriod(Duration gracePeriod) {
      Objects.requireNonNull(gracePeriod, "gracePeriod");
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("gracePeriod must not be negative, got " + gracePeriod);
      }
      this.gracePeriod = gracePeriod;
      return this;
    }

    /** The silence period, positive; 10 s by default. */
    public Builder silencePeriod(Duration silencePeriod) {
      this.silencePeriod = positive(silencePeriod, "silencePeriod");
      return this;
    }

    /**
     * Closes a connection once it has had no open stream for {@code idleTimeout}, positive. Off by
     * default, as in go-libp2p, whose connection manager has no such timeout: a connection without
     * streams is normal (a DHT or pubsub peer kept for later, one whose identify just finished),
     * closing it only means dialing it again, and the watermarks already bound how many there are,
     * trimming the peers without streams first. Turn it on when connections should last only while
     * in use. Protected peers' connections are never closed for idleness; the grace period does not
     * apply, since the timeout is counted from the connection's last stream anyway.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Optional.of(positive(idleTimeout, "idleTimeout"));
      return this;
    }

    /** Leaves idle connections open, the default: see {@link #idleTimeout(Duration)}. */
    public Builder noIdleTimeout() {
      this.idleTimeout = Optional.empty();
      return this;
    }

    /**
     * How often decaying tags are decayed at most, positive; 1 min by default, as in go-libp2p. A
     * tag registered with a shorter interval decays at this resolution instead.
     */
    public Builder decayResolution(Duration decayResolution) {
      this.decayResolution = positive(decayResolution, "decayResolution");
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if the low watermark exceeds the high one
     */
    public ConnectionManagerConfig build() {
      if (lowWater > highWater) {
        throw new IllegalArgumentException(
            "lowWater (" + lowWater + ") must not exceed highWater (" + highWater + ")");
      }
      return new ConnectionManagerConfig(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + duration);
      }
      return duration;
    }
  }
}
