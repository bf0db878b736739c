package io.jlibp2p.core.connmgr;

import io.jlibp2p.crypto.PeerId;
import java.time.Duration;

/**
 * A tag whose value for each peer decays over time, made by {@link
 * ConnectionManager#registerDecayingTag}: bumped when the peer is useful, decayed at each {@link
 * #interval()}, removed from the peer when its {@link DecayFunction} says so. Thread-safe.
 *
 * <p>Unlike go-libp2p's, whose bumps are queued and applied later, a bump is applied before {@link
 * #bump} returns, so it cannot fail because a queue is full.
 */
public interface DecayingTag extends AutoCloseable {

  /** The name it was registered under; it is the peers' tag name in {@link TagInfo}. */
  String name();

  /**
   * How often it decays: the interval it was registered with, or the connection manager's {@link
   * ConnectionManagerConfig#decayResolution()} if that was shorter.
   */
  Duration interval();

  /**
   * Applies {@code delta} to the peer's value with the tag's {@link BumpFunction}; a peer that did
   * not hold the tag starts from 0.
   *
   * @throws IllegalStateException if the tag was closed
   */
  void bump(PeerId peer, int delta);

  /**
   * Removes the tag from the peer; nothing happens if the peer does not hold it.
   *
   * @throws IllegalStateException if the tag was closed
   */
  void remove(PeerId peer);

  /**
   * Removes the tag from every peer and frees its name for a new registration. Idempotent; after
   * it, {@link #bump} and {@link #remove} throw.
   */
  @Override
  void close();
}
