package io.jlibp2p.core.gater;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's {@link ConnectionGater} refused a connection. {@link #hook()} says at which step, and
 * the message names the peer and address it refused. Retrying does not help until the gater's rules
 * change.
 */
public final class ConnectionGatedException extends Libp2pException {

  /** The step of {@link ConnectionGater} that refused. */
  public enum Hook {
    /** {@link ConnectionGater#allowDialPeer}: the peer was not dialed at all. */
    DIAL_PEER,
    /** {@link ConnectionGater#allowDialAddress}: this address was not dialed. */
    DIAL_ADDRESS,
    /** {@link ConnectionGater#allowAccept}: an inbound raw connection was closed unread. */
    ACCEPT,
    /** {@link ConnectionGater#allowSecured}: refused once the handshake proved the peer. */
    SECURED,
    /** {@link ConnectionGater#allowUpgraded}: refused with the muxer in place. */
    UPGRADED
  }

  private final Hook hook;
  private final PeerId peer;
  private final Multiaddr address;

  private ConnectionGatedException(Hook hook, PeerId peer, Multiaddr address, String message) {
    super(message);
    this.hook = hook;
    this.peer = peer;
    this.address = address;
  }

  /** {@link ConnectionGater#allowDialPeer} refused {@code peer}. */
  public static ConnectionGatedException dialPeer(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    return new ConnectionGatedException(Hook.DIAL_PEER, peer, null,
        "connection gater refused to dial peer " + peer + " (allowDialPeer)");
  }

  /** {@link ConnectionGater#allowDialAddress} refused {@code address}, dialed for {@code peer} if known. */
  public static ConnectionGatedException dialAddress(Optional<PeerId> peer, Multiaddr address) {
    Objects.requireNonNull(address, "address");
    return new ConnectionGatedException(Hook.DIAL_ADDRESS, peer.orElse(null), address,
        "connection gater refused to dial " + address + peer.map(p -> " for peer " + p).orElse("")
            + " (allowDialAddress)");
  }

  /** {@link ConnectionGater#allowAccept} refused a raw connection from {@code remoteAddress}. */
  public static ConnectionGatedException accept(Multiaddr localAddress, Multiaddr remoteAddress) {
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    return new ConnectionGatedException(Hook.ACCEPT, null, remoteAddress,
        "connection gater refused an inbound connection from " + remoteAddress + " to " + localAddress
            + " (allowAccept)");
  }

  /** {@link ConnectionGater#allowSecured} refused {@code peer}, proved by the handshake. */
  public static ConnectionGatedException secured(Direction direction, PeerId peer, Multiaddr remoteAddress) {
    Objects.requireNonNull(peer, "peer");
    return new ConnectionGatedException(Hook.SECURED, peer, remoteAddress,
        "connection gater refused the secured " + describe(direction) + " peer " + peer + " at "
            + remoteAddress + " (allowSecured)");
  }

  /** {@link ConnectionGater#allowUpgraded} refused {@code connection}. */
  public static ConnectionGatedException upgraded(Connection connection) {
    return new ConnectionGatedException(Hook.UPGRADED, connection.remotePeer(), connection.remoteAddress(),
        "connection gater refused the upgraded " + describe(connection.direction()) + " peer "
            + connection.remotePeer() + " at " + connection.remoteAddress() + " ("
            + connection.securityProtocol() + ", " + connection.muxerProtocol() + ", allowUpgraded)");
  }

  private static String describe(Direction direction) {
    return direction == Direction.OUTBOUND ? "connection to" : "connection from";
  }

  /** The step that refused. */
  public Hook hook() {
    return hook;
  }

  /** The refused peer, when the hook knew it: empty for {@link Hook#ACCEPT} and peerless dials. */
  public Optional<PeerId> peer() {
    return Optional.ofNullable(peer);
  }

  /**
   * The refused remote address, when the hook knew it: empty for {@link Hook#DIAL_PEER}. For
   * {@link Hook#ACCEPT} it is the remote's address, not this host's.
   */
  public Optional<Multiaddr> address() {
    return Optional.ofNullable(address);
  }
}
