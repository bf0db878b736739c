package io.jlibp2p.core.transport;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.channel.Channel;
import java.util.Objects;
import java.util.Optional;

/**
 * A connected channel straight from a transport, before any security or multiplexing: the raw
 * material the upgrader works on. A transport that secures and multiplexes by itself (QUIC) hands
 * over its connection already upgraded, with the outcome in {@code upgrade}.
 *
 * @param channel the connected channel; reads begin once the {@link RawConnectionHandler} returns
 * @param localAddress this side's address, such as {@code /ip4/127.0.0.1/tcp/4001}
 * @param remoteAddress the other side's address
 * @param direction {@link Direction#OUTBOUND} when dialed, {@link Direction#INBOUND} when accepted
 * @param limit what the connection may carry, for a limited one such as a relay's circuit; empty
 *     for a connection without limits
 * @param upgrade the security and multiplexing the transport settled itself; empty for a
 *     connection the upgrader secures and multiplexes
 */
public record RawConnection(
    Channel channel, Multiaddr localAddress, Multiaddr remoteAddress, Direction direction,
    Optional<ConnectionLimit> limit, Optional<TransportUpgrade> upgrade) {

  public RawConnection {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(upgrade, "upgrade");
  }

  /** A connection for the upgrader to secure and multiplex, limited or not. */
  public RawConnection(
      Channel channel, Multiaddr localAddress, Multiaddr remoteAddress, Direction direction,
      Optional<ConnectionLimit> limit) {
    this(channel, localAddress, remoteAddress, direction, limit, Optional.empty());
  }

  /** A connection without limits that the transport secured and multiplexed itself. */
  public static RawConnection upgraded(
      Channel channel, Multiaddr localAddress, Multiaddr remoteAddress, Direction direction,
      TransportUpgrade upgrade) {
    return new RawConnection(channel, localAddress, remoteAddress, direction, Optional.empty(), Optional.of(upgrade));
  }

  /** A connection without limits, as TCP makes. */
  public RawConnection(Channel channel, Multiaddr localAddress, Multiaddr remoteAddress, Direction direction) {
    this(channel, localAddress, remoteAddress, direction, Optional.empty());
  }
}
