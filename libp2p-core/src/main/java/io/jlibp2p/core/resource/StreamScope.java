package io.jlibp2p.core.resource;

import io.jlibp2p.core.LimitExceededException;

/**
 * The resources of one stream: its place in the counts of its connection, its peer and the system,
 * and the memory its buffers reserved. Until its protocol is agreed the stream also counts in the
 * transient scope; then it moves to its protocol's scope (and its service's, for a protocol a
 * {@linkplain io.jlibp2p.core.host.HostService service} serves).
 *
 * <p>Muxers get one per stream from {@link StreamScopes}; {@link io.jlibp2p.core.muxer.Stream#scope()}
 * gives it to protocol handlers, which reserve memory from it before they buffer a message.
 */
public interface StreamScope extends ResourceScope {

  /** A scope that limits nothing and counts nothing, for streams made without a host. */
  StreamScope UNLIMITED = new StreamScope() {
    @Override
    public String name() {
      return "unlimited";
    }

    @Override
    public void reserveMemory(long bytes) {}

    @Override
    public void releaseMemory(long bytes) {}

    @Override
    public ScopeUsage usage() {
      return ScopeUsage.NONE;
    }

    @Override
    public void setProtocol(String protocol) {}

    @Override
    public void setService(String service) {}

    @Override
    public void close() {}
  };

  /**
   * Moves the stream from the transient scope to {@code protocol}'s.
   *
   * @throws LimitExceededException if the protocol's scope has no room for it; the stream stays
   *     transient, and should be reset
   */
  void setProtocol(String protocol);

  /**
   * Counts the stream in {@code service}'s scope too.
   *
   * @throws LimitExceededException if the service's scope has no room for it
   */
  void setService(String service);

  /** Releases everything the stream holds. Idempotent. */
  void close();
}
