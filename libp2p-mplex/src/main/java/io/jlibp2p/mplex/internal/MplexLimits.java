package io.jlibp2p.mplex.internal;

/**
 * The bounds that stand in for flow control, which mplex lacks.
 *
 * @param maxStreams streams each side may have open at once; the remote's excess is reset
 * @param maxUnreadPerStream bytes received on one stream and not yet read before it is reset
 * @param maxUnreadPerConnection bytes received on all streams and not yet read before the stream
 *     that passes the bound is reset
 */
public record MplexLimits(int maxStreams, long maxUnreadPerStream, long maxUnreadPerConnection) {

  public MplexLimits {
    if (maxStreams < 1 || maxUnreadPerStream < 1 || maxUnreadPerConnection < maxUnreadPerStream) {
      throw new IllegalArgumentException(
          "limits must be positive, and the connection's at least the stream's: " + maxStreams + ", "
              + maxUnreadPerStream + ", " + maxUnreadPerConnection);
    }
  }
}
