package io.jlibp2p.core.muxer;

import io.jlibp2p.core.Direction;
import java.util.Objects;

/**
 * What a muxer session needs to know.
 *
 * @param direction {@link Direction#OUTBOUND} on the connection's dialer (some muxers choose stream
 *     IDs by it)
 * @param inboundStreams receives the streams the remote opens
 */
public record MuxerParameters(Direction direction, InboundStreamHandler inboundStreams) {

  public MuxerParameters {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(inboundStreams, "inboundStreams");
  }
}
