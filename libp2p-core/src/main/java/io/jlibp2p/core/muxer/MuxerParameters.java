package io.jlibp2p.core.muxer;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.resource.StreamScopes;
import java.util.Objects;

/**
 * What a muxer session needs to know.
 *
 * @param direction {@link Direction#OUTBOUND} on the connection's dialer (some muxers choose stream
 *     IDs by it)
 * @param inboundStreams receives the streams the remote opens
 * @param streamScopes counts each stream, opened or accepted, in the host's resource manager; a
 *     refusal resets the remote's stream or fails the open
 */
public record MuxerParameters(Direction direction, InboundStreamHandler inboundStreams, StreamScopes streamScopes) {

  public MuxerParameters {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(inboundStreams, "inboundStreams");
    Objects.requireNonNull(streamScopes, "streamScopes");
  }

  /** Parameters without resource limits, for sessions made without a host. */
  public MuxerParameters(Direction direction, InboundStreamHandler inboundStreams) {
    this(direction, inboundStreams, StreamScopes.UNLIMITED);
  }
}
