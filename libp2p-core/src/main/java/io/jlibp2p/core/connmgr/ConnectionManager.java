package io.jlibp2p.core.connmgr;

import io.jlibp2p.crypto.PeerId;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * Keeps the host's connection count between two watermarks, modelled on go-libp2p's {@code
 * BasicConnMgr}: above {@link ConnectionManagerConfig#highWater()}, it closes the connections of
 * the least valuable peers until {@link ConnectionManagerConfig#lowWater()} remain. Thread-safe.
 *
 * <pre>{@code
 * import io.jlibp2p.core.connmgr.BumpFunction;
 * import io.jlibp2p.core.connmgr.ConnectionManager;
 * import io.jlibp2p.core.connmgr.DecayFunction;
 * import io.jlibp2p.core.connmgr.DecayingTag;
 * import io.jlibp2p.crypto.PeerId;
 * import java.time.Duration;
 *
 * final class RelayBookkeeping {
 *   private final ConnectionManager manager;
 *   private final DecayingTag deliveries;
 *
 *   RelayBookkeeping(ConnectionManager manager) {
 *     this.manager = manager;
 *     this.deliveries = manager.registerDecayingTag(
 *         "deliveries", Duration.ofMinutes(1), DecayFunction.fixed(1), BumpFunction.sumBounded(0, 100));
 *   }
 *
 *   void reserved(PeerId relay) {
 *     manager.protect(relay, "relay-reservation"); // never trimmed while the reservation lasts
 *   }
 *
 *   void delivered(PeerId from) {
 *     deliveries.bump(from, 5); // worth more for a while, less each minute after
 *   }
 * }
 * }</pre>
 *
 * <p>A peer's value is the sum of its tags: trimming closes the lowest first. Peers are kept from
 * trimming altogether by protection, or for a while by the grace period after their first
 * connection. A peer's tags are forgotten when its last connection closes, as in go-libp2p; its
 * protection is not. Tags set on a peer before it connects are kept for the grace period.
 */
public interface ConnectionManager {

  /** The watermarks and periods it works with. */
  ConnectionManagerConfig config();

  /**
   * Keeps the peer's connections from being trimmed or closed as idle until every tag it was
   * protected with is {@linkplain #unprotect removed}. Protecting twice with one tag is protecting
   * once.
   */
  void protect(PeerId peer, String tag);

  /**
   * Removes one protection tag from the peer.
   *
   * @return whether the peer is still protected, by another tag
   */
  boolean unprotect(PeerId peer, String tag);

  /** Whether the peer is protected with {@code tag}, or with any tag if {@code tag} is empty. */
  boolean isProtected(PeerId peer, String tag);

  /** Sets the peer's value for {@code tag}, replacing the tag's previous value. */
  void tagPeer(PeerId peer, String tag, int value);

  /** Removes {@code tag} from the peer; nothing happens if the peer does not have it. */
  void untagPeer(PeerId peer, String tag);

  /**
   * Sets the peer's value for {@code tag} to {@code update} of its current one, 0 if it has none.
   * {@code update} runs under the manager's lock: it must be quick and must not call the manager.
   */
  void upsertTag(PeerId peer, String tag, IntUnaryOperator update);

  /** What the manager holds about the peer, or empty if it tracks neither a connection nor a tag of it. */
  Optional<TagInfo> tagInfo(PeerId peer);

  /**
   * Registers a decaying tag (go-libp2p's {@code Decayer.RegisterDecayingTag}).
   *
   * @param interval how often the tag decays; one shorter than {@link
   *     ConnectionManagerConfig#decayResolution()} decays at that resolution instead
   * @throws IllegalArgumentException if a tag of that name is registered and not closed, or if
   *     {@code interval} is not positive
   */
  DecayingTag registerDecayingTag(String name, Duration interval, DecayFunction decay, BumpFunction bump);
}
