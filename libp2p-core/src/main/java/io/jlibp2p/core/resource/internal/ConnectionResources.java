package io.jlibp2p.core.resource.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.StreamScope;
import io.jlibp2p.core.resource.StreamScopes;
import io.jlibp2p.crypto.PeerId;
import java.util.List;
import java.util.Optional;

/**
 * One connection's resources: a connection (and a file descriptor) counted in the transient scope
 * and the system's until the secure channel proves the peer, in the peer's scope after that; the
 * memory reserved for it; and the {@link StreamScope}s of its streams, which open only once the
 * peer is known. Thread-safe; a refusal is reported to the host after the manager's lock is let go.
 */
public final class ConnectionResources extends ReservingScope implements StreamScopes {

  private final Direction direction;
  private final String ip;
  /** False for a connection over another one, such as a relay's circuit, which holds no socket. */
  private final boolean fileDescriptor;
  private final Scope self;
  private Scope owner;
  private PeerId peer;

  ConnectionResources(ResourceManager manager, Direction direction, String ip, boolean fileDescriptor, Scope self) {
    super(manager);
    this.direction = direction;
    this.ip = ip;
    this.fileDescriptor = fileDescriptor;
    this.self = self;
    this.owner = manager.transientScope;
  }

  Charge charge() {
    return Charge.connection(direction, fileDescriptor);
  }

  /** The scopes it counts in: its own, the transient or its peer's, the system. */
  List<Scope> chain() {
    synchronized (manager) {
      return List.of(self, owner, manager.system);
    }
  }

  @Override
  List<Scope> memoryChain() {
    return chain();
  }

  @Override
  Optional<PeerId> peer() {
    synchronized (manager) {
      return Optional.ofNullable(peer);
    }
  }

  Scope self() {
    return self;
  }

  Scope owner() {
    synchronized (manager) {
      return owner;
    }
  }

  /**
   * Moves the connection from the transient scope to {@code peer}'s, once the handshake proved it.
   *
   * @throws LimitExceededException if the peer's scope has no room for another connection, or the
   *     connection's resources were already released (a full transient scope evicted it): the
   *     connection should be closed
   */
  public void setPeer(PeerId peer) {
    try {
      synchronized (manager) {
        if (closed) {
          throw new LimitExceededException(name(), "the connection's resources were released while it was upgrading");
        }
        if (this.peer != null) {
          return;
        }
        Scope peerScope = manager.peerScope(peer);
        Charge held = charge().plusMemory(memory);
        manager.transfer(List.of(owner), held, List.of(peerScope), held);
        this.owner = peerScope;
        this.peer = peer;
      }
    } catch (LimitExceededException e) {
      manager.report(Optional.of(peer), e);
      throw e;
    }
  }

  @Override
  public StreamScope open(Direction streamDirection) {
    Optional<PeerId> reported = Optional.empty();
    try {
      synchronized (manager) {
        if (peer == null && !closed) {
          // Its streams would count in the transient scope twice over, as the connection's and
          // as negotiating streams; the upgrader starts the muxer only after the handshake.
          throw new IllegalStateException("streams open only once the handshake has proved the peer");
        }
        reported = Optional.ofNullable(peer);
        if (closed) {
          throw new LimitExceededException(name(), "the connection's resources are released: it is closed");
        }
        StreamResources stream = new StreamResources(manager, this, streamDirection, new Scope("stream", manager.limitsInUse().stream()));
        manager.reserve(stream.countChain(), Charge.stream(streamDirection));
        return stream;
      }
    } catch (LimitExceededException e) {
      manager.report(reported, e);
      throw e;
    }
  }

  @Override
  public String name() {
    return self.name;
  }

  @Override
  public ScopeUsage usage() {
    synchronized (manager) {
      return self.usage();
    }
  }

  /** Releases the connection and its memory; its streams release their own as they close. Idempotent. */
  public void close() {
    synchronized (manager) {
      if (closed) {
        return;
      }
      closed = true;
      manager.release(chain(), charge().plusMemory(memory));
      memory = 0;
      manager.releaseIp(ip);
    }
  }

  @Override
  public String toString() {
    return "ConnectionResources(" + direction + ", " + (peer != null ? peer : "transient") + ")";
  }
}
