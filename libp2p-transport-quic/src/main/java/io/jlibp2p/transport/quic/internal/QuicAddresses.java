package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Converts between QUIC multiaddrs ({@code /ip4|ip6/<ip>/udp/<port>/quic-v1}, with an optional
 * {@code /p2p/<peer>} when dialed) and socket addresses. Draft-29's {@code /quic} is not spoken:
 * the spec has new implementations do only RFC 9000's {@code quic-v1}.
 */
public final class QuicAddresses {

  private static final MultiaddrComponent QUIC_V1 = Multiaddr.fromString("/quic-v1").components().get(0);

  private QuicAddresses() {}

  /** {@code /ip4|ip6/<ip>/udp/<port>/quic-v1}, optionally followed by {@code /p2p/<peer>}. */
  public static boolean isDialable(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    return (components.size() == 3 || components.size() == 4 && components.get(3).protocol() == MultiaddrProtocol.P2P)
        && isQuic(components);
  }

  /** {@code /ip4|ip6/<ip>/udp/<port>/quic-v1}. */
  public static boolean isListenable(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    return components.size() == 3 && isQuic(components);
  }

  private static boolean isQuic(List<MultiaddrComponent> components) {
    MultiaddrProtocol host = components.get(0).protocol();
    return (host == MultiaddrProtocol.IP4 || host == MultiaddrProtocol.IP6)
        && components.get(1).protocol() == MultiaddrProtocol.UDP
        && components.get(2).protocol() == MultiaddrProtocol.QUIC_V1;
  }

  /** The socket address of a dialable or listenable address. */
  public static InetSocketAddress socketAddress(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    try {
      InetAddress ip = InetAddress.getByAddress(components.get(0).value());
      return new InetSocketAddress(ip, Integer.parseInt(components.get(1).valueText()));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
    }
  }

  /** The peer a dialable address names with its trailing {@code /p2p}, if it does. */
  public static Optional<PeerId> peer(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    return components.size() == 4 ? Optional.of(PeerId.fromString(components.get(3).valueText())) : Optional.empty();
  }

  /** The address without its {@code /p2p}. */
  public static Multiaddr withoutPeer(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    return components.size() == 4 ? Multiaddr.of(components.subList(0, 3)) : address;
  }

  /** The QUIC multiaddr of a UDP socket address. */
  public static Multiaddr toMultiaddr(InetSocketAddress socketAddress) {
    InetAddress ip = socketAddress.getAddress();
    MultiaddrProtocol family = ip instanceof Inet4Address ? MultiaddrProtocol.IP4 : MultiaddrProtocol.IP6;
    return Multiaddr.of(
        MultiaddrComponent.ofBytes(family, ip.getAddress()),
        MultiaddrComponent.of(MultiaddrProtocol.UDP, Integer.toString(socketAddress.getPort())),
        QUIC_V1);
  }
}
