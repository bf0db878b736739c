package io.jlibp2p.mplex;

import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.mplex.internal.MplexLimits;
import io.jlibp2p.mplex.internal.MplexSession;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/mplex/README.md">mplex</a> ({@code
 * /mplex/6.7.0}): the legacy stream muxer, deprecated upstream because it has no flow control.
 * Opt-in, for peers that speak nothing else.
 *
 * <p>Without flow control a fast sender can fill the receiver's memory, so this implementation
 * bounds it: each side may open {@code maxStreams} streams (default 1024; the remote's excess is
 * reset), and a stream whose received-but-unread data passes {@code maxUnreadPerStream} (default
 * 4 MiB, as go did) or pushes the connection past {@code maxUnreadPerConnection} (default 64 MiB)
 * is reset. Writes are held back, and streams turn unwritable, while the connection is unwritable.
 */
public final class MplexStreamMuxer implements StreamMuxer {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = "/mplex/6.7.0";

  private final MplexLimits limits;

  private MplexStreamMuxer(Builder builder) {
    this.limits = new MplexLimits(builder.maxStreams, builder.maxUnreadPerStream, builder.maxUnreadPerConnection);
  }

  /** An mplex muxer with the default limits. */
  public static MplexStreamMuxer create() {
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
    return new MplexSession(parameters, limits);
  }

  /** Configures an {@link MplexStreamMuxer}. */
  public static final class Builder {
    private int maxStreams = 1024;
    private long maxUnreadPerStream = 4L << 20;
    private long maxUnreadPerConnection = 64L << 20;

    private Builder() {}

    /** Streams each side may have open at once; 1024 by default. */
    public Builder maxStreams(int maxStreams) {
      this.maxStreams = maxStreams;
      return this;
    }

    /** Unread bytes a stream may hold before it is reset; 4 MiB by default. */
    public Builder maxUnreadPerStream(long bytes) {
      this.maxUnreadPerStream = bytes;
      return this;
    }

    /** Unread bytes all streams of a connection may hold together; 64 MiB by default. */
    public Builder maxUnreadPerConnection(long bytes) {
      this.maxUnreadPerConnection = bytes;
      return this;
    }

    public MplexStreamMuxer build() {
      return new MplexStreamMuxer(this);
    }
  }
}
