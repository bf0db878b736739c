package io.jlibp2p.core.resource;

/**
 * The limits of one resource scope: connections and streams, each inbound, outbound and in all,
 * bytes of memory, and file descriptors. {@link Integer#MAX_VALUE} (or {@link Long#MAX_VALUE} for
 * memory) means no limit. Immutable; the {@code with*} methods derive variants.
 *
 * @param connectionsInbound connections the remote opened
 * @param connectionsOutbound connections this side opened
 * @param connections connections in all
 * @param streamsInbound streams the remote opened
 * @param streamsOutbound streams this side opened
 * @param streams streams in all
 * @param memory bytes of buffers reserved: stream windows, queued reads and writes, messages
 * @param fileDescriptors sockets; counted at the system scope only
 */
public record ScopeLimit(
    int connectionsInbound,
    int connectionsOutbound,
    int connections,
    int streamsInbound,
    int streamsOutbound,
    int streams,
    long memory,
    int fileDescriptors) {

  /** No limit on anything. */
  public static final ScopeLimit UNLIMITED = new ScopeLimit(
      Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
      Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);

  public ScopeLimit {
    requireNonNegative("connectionsInbound", connectionsInbound);
    requireNonNegative("connectionsOutbound", connectionsOutbound);
    requireNonNegative("connections", connections);
    requireNonNegative("streamsInbound", streamsInbound);
    requireNonNegative("streamsOutbound", streamsOutbound);
    requireNonNegative("streams", streams);
    requireNonNegative("memory", memory);
    requireNonNegative("fileDescriptors", fileDescriptors);
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }

  /** With {@code inbound} and {@code outbound} connections, and their sum in all. */
  public ScopeLimit withConnections(int inbound, int outbound) {
    return new ScopeLimit(inbound, outbound, saturatedSum(inbound, outbound), streamsInbound, streamsOutbound, streams,
        memory, fileDescriptors);
  }

  /** With {@code inbound} and {@code outbound} streams, and their sum in all. */
  public ScopeLimit withStreams(int inbound, int outbound) {
    return new ScopeLimit(connectionsInbound, connectionsOutbound, connections, inbound, outbound,
        saturatedSum(inbound, outbound), memory, fileDescriptors);
  }

  /** With {@code bytes} of memory. */
  public ScopeLimit withMemory(long bytes) {
    return new ScopeLimit(connectionsInbound, connectionsOutbound, connections, streamsInbound, streamsOutbound, streams,
        bytes, fileDescriptors);
  }

  /** With {@code count} file descriptors. */
  public ScopeLimit withFileDescriptors(int count) {
    return new ScopeLimit(connectionsInbound, connectionsOutbound, connections, streamsInbound, streamsOutbound, streams,
        memory, count);
  }

  private static int saturatedSum(int a, int b) {
    long sum = (long) a + b;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }
}
