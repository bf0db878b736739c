package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.core.transport.internal.TcpAddresses;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * A WebSocket multiaddr taken apart: the TCP address under it and the WebSocket part after
 * {@code /tcp/N}, one of {@code /ws}, {@code /wss}, {@code /tls/ws} and (dialing only) {@code
 * /tls/sni/NAME/ws}.
 *
 * <p>{@code /wss} is the older spelling of {@code /tls/ws}; both are accepted and an address keeps
 * the spelling it was given, since go, rust and js parse both but peers from before 2022 only the
 * first.
 *
 * @param tcp the {@code /ip4|ip6|dns|dns4|dns6/HOST/tcp/N} part
 * @param suffix the WebSocket components after it, as given
 * @param secure whether TLS runs under the WebSocket
 * @param sni the server name to send and verify, from {@code /sni} or a {@code /dns*} host; null
 *     for an IP address without {@code /sni}
 */
public record WebSocketAddress(Multiaddr tcp, List<MultiaddrComponent> suffix, boolean secure, String sni) {

  /** Parses a dialable address, or returns null when it is not one. */
  public static WebSocketAddress parseDialable(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    if (components.size() < 3) {
      return null;
    }
    Multiaddr tcp = Multiaddr.of(components.subList(0, 2));
    if (!TcpAddresses.isDialable(tcp)) {
      return null;
    }
    List<MultiaddrComponent> suffix = components.subList(2, components.size());
    MultiaddrComponent host = components.get(0);
    String hostName = TcpAddresses.literalAddress(tcp) == null ? host.valueText() : null;
    return switch (shape(suffix)) {
      case "ws" -> new WebSocketAddress(tcp, List.copyOf(suffix), false, null);
      case "wss", "tls/ws" -> new WebSocketAddress(tcp, List.copyOf(suffix), true, hostName);
      case "tls/sni/ws" -> new WebSocketAddress(tcp, List.copyOf(suffix), true, suffix.get(1).valueText());
      default -> null;
    };
  }

  /** Parses a listenable address ({@code /ip4|ip6}, no {@code /sni}), or returns null. */
  public static WebSocketAddress parseListenable(Multiaddr address) {
    List<MultiaddrComponent> components = address.components();
    if (components.size() < 3) {
      return null;
    }
    Multiaddr tcp = Multiaddr.of(components.subList(0, 2));
    if (!TcpAddresses.isListenable(tcp)) {
      return null;
    }
    List<MultiaddrComponent> suffix = components.subList(2, components.size());
    return switch (shape(suffix)) {
      case "ws" -> new WebSocketAddress(tcp, List.copyOf(suffix), false, null);
      case "wss", "tls/ws" -> new WebSocketAddress(tcp, List.copyOf(suffix), true, null);
      default -> null;
    };
  }

  /** The protocol names of the components after {@code /tcp/N}, joined by slashes. */
  private static String shape(List<MultiaddrComponent> suffix) {
    StringBuilder shape = new StringBuilder();
    for (MultiaddrComponent component : suffix) {
      if (shape.length() > 0) {
        shape.append('/');
      }
      shape.append(component.protocol().protocolName());
    }
    return shape.toString();
  }

  /** The whole address, as given. */
  public Multiaddr multiaddr() {
    return tcp.encapsulate(Multiaddr.of(suffix));
  }

  /** The port to connect to or bind. */
  public int port() {
    return TcpAddresses.port(tcp);
  }

  /**
   * The address of a bound socket, or of an accepted one's remote end, with this address's
   * WebSocket part; without an {@code /sni} component, which only a dialed address has.
   */
  public Multiaddr at(InetSocketAddress socket) {
    Multiaddr base = TcpAddresses.toMultiaddr(socket);
    return base.encapsulate(Multiaddr.of(suffix.stream().filter(c -> c.protocol() != MultiaddrProtocol.SNI).toList()));
  }

  /**
   * The URI the upgrade request is made for, from which Netty takes its {@code Host} header; null
   * when the name cannot be a URI's host (an underscore in a DNS name, an IP address as an
   * {@code /sni} name).
   */
  public URI requestUri() {
    try {
      URI uri = new URI((secure ? "wss://" : "ws://") + hostHeader() + "/");
      return uri.getHost() == null ? null : uri;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The {@code Host} header's value and the name in the request URI. */
  public String hostHeader() {
    MultiaddrComponent host = tcp.components().get(0);
    String name = sni != null ? sni : host.valueText();
    boolean ip6 = sni == null && host.protocol() == MultiaddrProtocol.IP6;
    return (ip6 ? "[" + name + "]" : name) + ":" + port();
  }
}
