package io.jlibp2p.yamux;

import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.yamux.internal.YamuxSession;
import java.time.Duration;
import java.util.Objects;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/yamux/README.md">yamux</a> ({@code
 * /yamux/1.0.0}): the stream muxer every modern libp2p peer speaks, with per-stream flow control.
 *
 * <p>Each stream starts with a 256 KiB receive window, which is replenished only as the
 * application reads (a reader that stops reading stops the writer: its stream turns unwritable),
 * and which grows up to {@code maxWindow} (16 MiB, as go) for fast readers on slow paths, driven
 * by the round trip the keepalive pings measure.
 */
public final class YamuxStreamMuxer implements StreamMuxer {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = "/yamux/1.0.0";

  private final int maxStreams;
  private final long maxWindow;
  private final Duration keepAlive;

  private YamuxStreamMuxer(Builder builder) {
    this.maxStreams = builder.maxStreams;
    this.maxWindow = builder.maxWindow;
    this.keepAlive = builder.keepAlive;
  }

  /** A yamux muxer with the defaults. */
  public static YamuxStreamMuxer create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Session newSession(MuxerParameters parameters) {
    return new YamuxSession(parameters, maxStreams, maxWindow, keepAlive);
  }

  /** Configures a {@link YamuxStreamMuxer}. */
  public static final class Builder {
    private int maxStreams = 4096;
    private long maxWindow = 16L << 20;
    private Duration keepAlive = Duration.ofSeconds(30);

    private Builder() {}

    /** Streams each side may have open at once; the remote's excess is reset. 4096 by default. */
    public Builder maxStreams(int maxStreams) {
      if (maxStreams < 1) {
        throw new IllegalArgumentException("maxStreams must be positive: " + maxStreams);
      }
      this.maxStreams = maxStreams;
      return this;
    }

    /** The largest a stream's receive window may grow; 16 MiB by default, at least 256 KiB. */
    public Builder maxWindow(long bytes) {
      if (bytes < 256 * 1024 || bytes > 0xffffffffL) {
        throw new IllegalArgumentException("maxWindow must be between 256 KiB and 4 GiB: " + bytes);
      }
      this.maxWindow = bytes;
      return this;
    }

    /**
     * How often to send a keepalive ping; a ping still unanswered when the next is due closes the
     * connection. {@link Duration#ZERO} for never. 30 s by default.
     */
    public Builder keepAlive(Duration interval) {
      this.keepAlive = Objects.requireNonNull(interval, "interval");
      return this;
    }

    public YamuxStreamMuxer build() {
      return new YamuxStreamMuxer(this);
    }
  }
}
