package io.jlibp2p.core.transport;

import io.jlibp2p.core.Direction;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.channel.Channel;
import java.util.Objects;

/**
 * A connected channel straight from a transport, before any security or multiplexing: the raw
 * material the upgrader works on.
 *
 * @param channel the connected channel; reads begin once the {@link RawConnectionHandler} returns
 * @param localAddress this side's address, such as {@code /ip4/127.0.0.1/tcp/4001}
 * @param remoteAddress the other side's address
 * @param direction {@link Direction#OUTBOUND} when dialed, {@link Direction#INBOUND} when accepted
 */
public record RawConnection(
    Channel channel, Multiaddr localAddress, Multiaddr remoteAddress, Direction direction) {

  public RawConnection {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(direction, "direction");
  }
}
