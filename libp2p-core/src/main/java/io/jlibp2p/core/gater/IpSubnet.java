package io.jlibp2p.core.gater;

import io.jlibp2p.multiformats.InvalidMultiaddrException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A block of IPv4 or IPv6 addresses in CIDR form, such as {@code 10.0.0.0/8} or {@code
 * 2001:db8::/32}. Immutable; two subnets are equal when their network and prefix length are.
 *
 * <pre>{@code
 * IpSubnet lan = IpSubnet.parse("192.168.0.0/16");
 * boolean inside = lan.contains(Multiaddr.fromString("/ip4/192.168.1.20/tcp/4001"));   // true
 * }</pre>
 *
 * <p><b>Host bits are normalized</b>, as go's {@code net.ParseCIDR} does: {@code 10.1.2.3/8} is the
 * subnet {@code 10.0.0.0/8}, and prints so.
 *
 * <p><b>IPv4-mapped IPv6 is IPv4.</b> An address {@code ::ffff:a.b.c.d} is matched as {@code
 * a.b.c.d}, and a subnet {@code ::ffff:a.b.c.d/n} with {@code n >= 96} is the IPv4 subnet {@code
 * a.b.c.d/(n - 96)}; otherwise a deny rule on {@code 10.0.0.0/8} could be passed by dialing {@code
 * /ip6/::ffff:10.0.0.1}. Apart from that the families do not mix: {@code ::/0} contains no IPv4
 * address and {@code 0.0.0.0/0} no IPv6 one.
 *
 * <p>Text is parsed without DNS: a host name is malformed input, never a lookup.
 */
public final class IpSubnet {

  private static final int IPV4_MAPPED_PREFIX = 96;

  /** 4 or 16 bytes with every bit past {@link #prefixLength} cleared. */
  private final byte[] network;
  private final int prefixLength;

  private IpSubnet(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses {@code address/prefix}, such as {@code 10.0.0.0/8}, {@code 192.168.1.7/32} or {@code
   * fd00::/8}. The prefix is required: a single host is {@code /32} or {@code /128}.
   *
   * @throws IllegalArgumentException naming the text if it is not an IPv4 or IPv6 literal followed
   *     by {@code /} and a prefix length within the family's range
   */
  public static IpSubnet parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw invalid(cidr, "missing '/prefix' (write /32 or /128 for a single host)");
    }
    String addressText = cidr.substring(0, slash);
    boolean ipv6 = addressText.indexOf(':') >= 0;
    byte[] address;
    try {
      address = MultiaddrComponent.of(ipv6 ? MultiaddrProtocol.IP6 : MultiaddrProtocol.IP4, addressText).value();
    } catch (InvalidMultiaddrException e) {
      throw invalid(cidr, "'" + addressText + "' is not an IPv" + (ipv6 ? "6" : "4") + " address");
    }
    int maxPrefix = address.length * 8;
    int prefix = parsePrefix(cidr, cidr.substring(slash + 1), maxPrefix);
    return create(address, prefix);
  }

  /**
   * The subnet of {@code address} with {@code prefixLength} leading bits, such as {@code
   * of(InetAddress.getByName("10.1.2.3"), 32)} for one host. Host bits are cleared.
   *
   * @throws IllegalArgumentException if the prefix length is negative or longer than the address
   */
  public static IpSubnet of(InetAddress address, int prefixLength) {
    byte[] bytes = Objects.requireNonNull(address, "address").getAddress();
    if (prefixLength < 0 || prefixLength > bytes.length * 8) {
      throw new IllegalArgumentException("prefix length of " + address.getHostAddress() + " must be in 0.."
          + bytes.length * 8 + ", got " + prefixLength);
    }
    return create(bytes, prefixLength);
  }

  private static IpSubnet create(byte[] address, int prefixLength) {
    if (address.length == 16 && prefixLength >= IPV4_MAPPED_PREFIX && isIpv4Mapped(address)) {
      return new IpSubnet(masked(Arrays.copyOfRange(address, 12, 16), prefixLength - IPV4_MAPPED_PREFIX),
          prefixLength - IPV4_MAPPED_PREFIX);
    }
    return new IpSubnet(masked(address.clone(), prefixLength), prefixLength);
  }

  private static int parsePrefix(String cidr, String text, int maxPrefix) {
    // Digits only: Integer.parseInt would take "+8", and leading zeros are refused as in addresses.
    boolean digits = !text.isEmpty() && text.length() <= 3 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!digits || (text.length() > 1 && text.charAt(0) == '0')) {
      throw invalid(cidr, "prefix '" + text + "' is not a decimal number in 0.." + maxPrefix);
    }
    int prefix = Integer.parseInt(text);
    if (prefix > maxPrefix) {
      throw invalid(cidr, "prefix " + prefix + " is longer than the " + maxPrefix + " bits of the address");
    }
    return prefix;
  }

  private static IllegalArgumentException invalid(String cidr, String reason) {
    return new IllegalArgumentException("invalid CIDR subnet '" + cidr + "': " + reason);
  }

  private static byte[] masked(byte[] address, int prefixLength) {
    for (int bit = prefixLength; bit < address.length * 8; bit++) {
      address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return address;
  }

  private static boolean isIpv4Mapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
  }

  /** {@code address} as 4 bytes if it is IPv4 or IPv4-mapped IPv6, else as 16. */
  private static byte[] canonical(byte[] address) {
    return address.length == 16 && isIpv4Mapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
  }

  /** Whether {@code address} is inside this subnet; an address of the other family never is. */
  public boolean contains(InetAddress address) {
    return containsBytes(Objects.requireNonNull(address, "address").getAddress());
  }

  /**
   * Whether the first {@code /ip4} or {@code /ip6} component of {@code address} is inside this
   * subnet. An address without one, such as {@code /dns4/example.com/tcp/1}, is in no subnet. For
   * a relay address ({@code /ip4/.../p2p/relay/p2p-circuit/...}) the first IP is the relay's.
   */
  public boolean contains(Multiaddr address) {
    return firstIp(address).map(this::containsBytes).orElse(false);
  }

  /** The bytes of the first {@code /ip4} or {@code /ip6} component of {@code address}, if any. */
  static Optional<byte[]> firstIp(Multiaddr address) {
    return Objects.requireNonNull(address, "address").components().stream()
        .filter(c -> c.protocol() == MultiaddrProtocol.IP4 || c.protocol() == MultiaddrProtocol.IP6)
        .findFirst()
        .map(MultiaddrComponent::value);
  }

  /** Whether the raw 4- or 16-byte {@code address} is inside this subnet. */
  boolean containsBytes(byte[] address) {
    byte[] candidate = canonical(address);
    if (candidate.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int restBits = prefixLength % 8;
    if (restBits == 0) {
      return true;
    }
    int mask = (0xFF << (8 - restBits)) & 0xFF;
    return (candidate[fullBytes] & mask) == (network[fullBytes] & 0xFF);
  }

  /** The first address of the subnet, host bits cleared: {@code 10.0.0.0} for {@code 10.0.0.0/8}. */
  public InetAddress network() {
    try {
      return InetAddress.getByAddress(network.clone());
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an IP address", e);
    }
  }

  /** How many leading bits an address shares with {@link #network()} to be inside. */
  public int prefixLength() {
    return prefixLength;
  }

  /** Whether this is an IPv4 subnet (IPv4-mapped subnets included); otherwise it is IPv6. */
  public boolean isIpv4() {
    return network.length == 4;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpSubnet other && prefixLength == other.prefixLength && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefixLength;
  }

  /** The normalized CIDR text, which {@link #parse} reads back to an equal subnet: {@code 10.0.0.0/8}. */
  @Override
  public String toString() {
    MultiaddrProtocol family = isIpv4() ? MultiaddrProtocol.IP4 : MultiaddrProtocol.IP6;
    return MultiaddrComponent.ofBytes(family, network).valueText() + "/" + prefixLength;
  }
}
