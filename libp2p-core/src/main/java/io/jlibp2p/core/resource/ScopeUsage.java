package io.jlibp2p.core.resource;

/**
 * What one resource scope holds at a moment: the counterpart of its {@link ScopeLimit}.
 *
 * @param connectionsInbound connections the remote opened
 * @param connectionsOutbound connections this side opened
 * @param streamsInbound streams the remote opened
 * @param streamsOutbound streams this side opened
 * @param memory bytes reserved
 * @param fileDescriptors sockets held
 */
public record ScopeUsage(
    int connectionsInbound,
    int connectionsOutbound,
    int streamsInbound,
    int streamsOutbound,
    long memory,
    int fileDescriptors) {

  /** Nothing held. */
  public static final ScopeUsage NONE = new ScopeUsage(0, 0, 0, 0, 0, 0);

  /** Connections in both directions. */
  public int connections() {
    return connectionsInbound + connectionsOutbound;
  }

  /** Streams in both directions. */
  public int streams() {
    return streamsInbound + streamsOutbound;
  }
}
