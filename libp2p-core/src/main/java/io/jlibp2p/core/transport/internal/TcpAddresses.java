package io.jlibp2p.core.transport.internal;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Converts between TCP multiaddrs and socket addresses. */
public final class TcpAddresses {

  private TcpAddresses() {}

  /** A dialable address: {@code /(ip4|ip6|dns|dns4|dns6)/<host>/tcp/<port>}. */
  public static boolean isDialable(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    return components.size() == 2
        && isHost(components.get(0).protocol())
        && components.get(1).protocol() == MultiaddrProtocol.TCP;
  }

  /** A listenable address: {@code /(ip4|ip6)/<ip>/tcp/<port>}. */
  public static boolean isListenable(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    if (components.size() != 2 || components.get(1).protocol() != MultiaddrProtocol.TCP) {
      return false;
    }
    MultiaddrProtocol host = components.get(0).protocol();
    return host == MultiaddrProtocol.IP4 || host == MultiaddrProtocol.IP6;
  }

  private static boolean isHost(MultiaddrProtocol protocol) {
    return switch (protocol) {
      case IP4, IP6, DNS, DNS4, DNS6 -> true;
      default -> false;
    };
  }

  /** The port of a dialable or listenable address. */
  public static int port(Multiaddr address) {
    return Integer.parseInt(address.components().get(1).valueText());
  }

  /**
   * The IP address of an {@code /ip4} or {@code /ip6} address, without any lookup; {@code null}
   * for a DNS name.
   */
  public static InetAddress literalAddress(Multiaddr address) {
    MultiaddrComponent host = address.components().get(0);
    try {
      return switch (host.protocol()) {
        case IP4, IP6 -> InetAddress.getByAddress(host.value());
        default -> null;
      };
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
    }
  }

  /**
   * Resolves the DNS name of a {@code /dns*} address, keeping only the address family its
   * protocol asks for. Blocks: call it off the event loop.
   *
   * @throws UnknownHostException if the name has no address of the right family
   */
  public static InetAddress resolve(Multiaddr address) throws UnknownHostException {
    MultiaddrComponent host = address.components().get(0);
    for (InetAddress candidate : InetAddress.getAllByName(host.valueText())) {
      boolean wanted =
          switch (host.protocol()) {
            case DNS4 -> candidate instanceof Inet4Address;
            case DNS6 -> candidate instanceof Inet6Address;
            default -> true;
          };
      if (wanted) {
        return candidate;
      }
    }
    throw new UnknownHostException(
        host.valueText() + " has no " + (host.protocol() == MultiaddrProtocol.DNS4 ? "IPv4 " : host.protocol() == MultiaddrProtocol.DNS6 ? "IPv6 " : "") + "address");
  }

  /** The multiaddr of a connected or bound socket address. */
  public static Multiaddr toMultiaddr(InetSocketAddress socketAddress) {
    InetAddress ip = socketAddress.getAddress();
    MultiaddrComponent tcp =
        MultiaddrComponent.of(MultiaddrProtocol.TCP, Integer.toString(socketAddress.getPort()));
    if (ip instanceof Inet4Address) {
      return Multiaddr.of(MultiaddrComponent.ofBytes(MultiaddrProtocol.IP4, ip.getAddress()), tcp);
    }
    MultiaddrComponent ip6 = MultiaddrComponent.ofBytes(MultiaddrProtocol.IP6, ip.getAddress());
    Inet6Address inet6 = (Inet6Address) ip;
    if (inet6.getScopeId() != 0 || inet6.getScopedInterface() != null) {
      String zone =
          inet6.getScopedInterface() != null
              ? inet6.getScopedInterface().getName()
              : Integer.toString(inet6.getScopeId());
      return Multiaddr.of(MultiaddrComponent.of(MultiaddrProtocol.IP6ZONE, zone), ip6, tcp);
    }
    return Multiaddr.of(ip6, tcp);
  }
}
