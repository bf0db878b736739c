package io.jlibp2p.core.gater;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Optional;

/**
 * Decides, at each step of making a connection, whether the host goes on with it: the place for
 * peer bans, subnet filters and allow-lists. Modeled on go-libp2p's {@code
 * core/connmgr.ConnectionGater}.
 *
 * <p>The host asks the hooks in this order, each as early as it has what the hook needs, so that a
 * refused connection costs as little as possible:
 *
 * <ol>
 *   <li>Outbound: {@link #allowDialPeer} before dialing a peer at all, then {@link
 *       #allowDialAddress} before dialing each of its addresses.
 *   <li>Inbound: {@link #allowAccept} as soon as a transport accepted a raw connection, before any
 *       byte is read from it.
 *   <li>Both: {@link #allowSecured} after the security handshake proved who the peer is, before
 *       the muxer is negotiated; then {@link #allowUpgraded} with the muxer in place, before the
 *       connection joins the host and any listener or service sees it.
 * </ol>
 *
 * <p>A hook that returns {@code false} ends the attempt: the host closes the connection, if there
 * is one yet, and the dial or accept fails with a {@link ConnectionGatedException} naming the hook
 * and the peer or address. Every method allows by default, so an implementation overrides only the
 * steps it cares about; {@link #ALLOW_ALL} overrides none.
 *
 * <p><b>Hooks run on Netty event loops and must not block</b>: no I/O, no locks held by slow code,
 * no waiting on futures. Keep the data they read in memory (a concurrent set, a volatile snapshot)
 * and update it from elsewhere. They may run concurrently for different connections, so an
 * implementation must be thread-safe. A hook that throws refuses, as {@code false} would.
 *
 * @see AllowDenyGater
 */
public interface ConnectionGater {

  /** Lets every connection through: what a host uses when it is given no gater. */
  ConnectionGater ALLOW_ALL = new ConnectionGater() {
    @Override
    public String toString() {
      return "ConnectionGater.ALLOW_ALL";
    }
  };

  /** Before dialing {@code peer}, on any address: {@code false} and the host does not dial it. */
  default boolean allowDialPeer(PeerId peer) {
    return true;
  }

  /**
   * Before dialing {@code address}; {@code peer} is the one the dial must reach, or empty when the
   * caller dials an address without naming a peer (then {@link #allowSecured} is the first hook to
   * learn it).
   */
  default boolean allowDialAddress(Optional<PeerId> peer, Multiaddr address) {
    return true;
  }

  /**
   * An inbound raw connection from {@code remoteAddress} to this host's {@code localAddress}, as
   * the transport accepted it, before any byte is read: the peer is not known yet.
   */
  default boolean allowAccept(Multiaddr localAddress, Multiaddr remoteAddress) {
    return true;
  }

  /**
   * After the security handshake proved that {@code peer} is at {@code remoteAddress}, in either
   * {@code direction}, before the muxer is negotiated: the first hook of an inbound connection that
   * knows the peer.
   */
  default boolean allowSecured(Direction direction, PeerId peer, Multiaddr remoteAddress) {
    return true;
  }

  /**
   * The fully upgraded {@code connection}, secured and multiplexed, before it joins the host: the
   * last chance to refuse it, with everything known, including the negotiated protocols.
   */
  default boolean allowUpgraded(Connection connection) {
    return true;
  }
}
