package io.jlibp2p.core.gater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.multiformats.Multiaddr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpSubnetTest {

  /** A literal only: getByName parses literals without DNS. */
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void parsesIpv4() {
    IpSubnet subnet = IpSubnet.parse("10.0.0.0/8");
    assertEquals(8, subnet.prefixLength());
    assertEquals(ip("10.0.0.0"), subnet.network());
    assertTrue(subnet.isIpv4());
    assertEquals("10.0.0.0/8", subnet.toString());
    assertTrue(subnet.contains(ip("10.0.0.0")));
    assertTrue(subnet.contains(ip("10.255.255.255")));
    assertFalse(subnet.contains(ip("11.0.0.0")));
    assertFalse(subnet.contains(ip("9.255.255.255")));
  }

  @Test
  void normalizesHostBits() {
    IpSubnet subnet = IpSubnet.parse("10.1.2.3/8");
    assertEquals(IpSubnet.parse("10.0.0.0/8"), subnet);
    assertEquals("10.0.0.0/8", subnet.toString());
    assertEquals("2001:db8::/32", IpSubnet.parse("2001:db8:1:2::5/32").toString());
    assertEquals("192.168.4.0/22", IpSubnet.parse("192.168.7.200/22").toString());
  }

  @Test
  void prefixNotOnAByteBoundary() {
    IpSubnet subnet = IpSubnet.parse("192.168.4.0/22");
    assertTrue(subnet.contains(ip("192.168.4.0")));
    assertTrue(subnet.contains(ip("192.168.7.255")));
    assertFalse(subnet.contains(ip("192.168.8.0")));
    assertFalse(subnet.contains(ip("192.168.3.255")));
    IpSubnet odd = IpSubnet.parse("fe80::/10");
    assertTrue(odd.contains(ip("febf::1")));
    assertFalse(odd.contains(ip("fec0::1")));
  }

  @Test
  void zeroPrefixContainsTheWholeFamilyOnly() {
    IpSubnet allIpv4 = IpSubnet.parse("0.0.0.0/0");
    assertTrue(allIpv4.contains(ip("0.0.0.0")));
    assertTrue(allIpv4.contains(ip("255.255.255.255")));
    assertFalse(allIpv4.contains(ip("::1")));
    IpSubnet allIpv6 = IpSubnet.parse("::/0");
    assertFalse(allIpv6.isIpv4());
    assertTrue(allIpv6.contains(ip("::1")));
    assertTrue(allIpv6.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    assertFalse(allIpv6.contains(ip("10.0.0.1")));
    assertEquals(IpSubnet.parse("1.2.3.4/0"), allIpv4);
  }

  @Test
  void fullPrefixIsOneHost() {
    IpSubnet host = IpSubnet.parse("192.168.1.7/32");
    assertTrue(host.contains(ip("192.168.1.7")));
    assertFalse(host.contains(ip("192.168.1.6")));
    assertFalse(host.contains(ip("192.168.1.8")));
    IpSubnet loopback = IpSubnet.parse("::1/128");
    assertTrue(loopback.contains(ip("::1")));
    assertFalse(loopback.contains(ip("::2")));
    assertEquals("::1/128", loopback.toString());
  }

  @Test
  void parsesIpv6() {
    IpSubnet subnet = IpSubnet.parse("2001:db8::/32");
    assertEquals(32, subnet.prefixLength());
    assertEquals(ip("2001:db8::"), subnet.network());
    assertTrue(subnet.contains(ip("2001:db8:ffff::1")));
    assertFalse(subnet.contains(ip("2001:db9::1")));
    assertFalse(subnet.contains(ip("10.0.0.1")));
  }

  @Test
  void ipv4MappedIpv6IsIpv4() {
    assertEquals(IpSubnet.parse("10.0.0.0/8"), IpSubnet.parse("::ffff:10.0.0.0/104"));
    assertEquals("10.0.0.0/8", IpSubnet.parse("::ffff:10.9.9.9/104").toString());
    IpSubnet subnet = IpSubnet.parse("10.0.0.0/8");
    assertTrue(subnet.contains(Multiaddr.fromString("/ip6/::ffff:10.1.2.3/tcp/1")));
    assertFalse(subnet.contains(Multiaddr.fromString("/ip6/::ffff:11.1.2.3/tcp/1")));
  }

  @Test
  void containsMatchesTheFirstIpOfAMultiaddr() {
    IpSubnet subnet = IpSubnet.parse("10.0.0.0/8");
    assertTrue(subnet.contains(Multiaddr.fromString("/ip4/10.1.2.3/tcp/4001")));
    assertFalse(subnet.contains(Multiaddr.fromString("/ip4/192.168.1.1/udp/1/quic-v1")));
    assertTrue(IpSubnet.parse("2001:db8::/32").contains(Multiaddr.fromString("/ip6/2001:db8::1/tcp/1")));
    // A relay address is matched by its first IP, the relay's.
    Multiaddr relayed = Multiaddr.fromString("/ip4/10.0.0.1/tcp/1/p2p-circuit/ip4/192.168.0.1/tcp/2");
    assertTrue(subnet.contains(relayed));
    assertFalse(IpSubnet.parse("192.168.0.0/16").contains(relayed));
  }

  @Test
  void aMultiaddrWithoutIpIsInNoSubnet() {
    assertFalse(IpSubnet.parse("0.0.0.0/0").contains(Multiaddr.fromString("/dns4/example.com/tcp/1")));
    assertFalse(IpSubnet.parse("::/0").contains(Multiaddr.fromString("/dns6/example.com/tcp/1")));
    assertFalse(IpSubnet.parse("0.0.0.0/0").contains(Multiaddr.EMPTY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/+8",
      "10.0.0.0/08", "10.0.0.0/", "/8", "", "example.com/8", "10.0.0.256/8", "010.0.0.0/8", "fe80::1%eth0/64",
      "2001:db8:::/32", "10.0.0.0/8/9", "10.0.0.0/ 8", "10.0.0.0/1000"})
  void rejectsBadTextNamingIt(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpSubnet.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void ofAnAddressAndPrefix() {
    assertEquals(IpSubnet.parse("10.1.0.0/16"), IpSubnet.of(ip("10.1.2.3"), 16));
    assertEquals(IpSubnet.parse("::1/128"), IpSubnet.of(ip("::1"), 128));
    assertThrows(IllegalArgumentException.class, () -> IpSubnet.of(ip("10.1.2.3"), 33));
    assertThrows(IllegalArgumentException.class, () -> IpSubnet.of(ip("::1"), -1));
  }

  @Test
  void equalsAndHashCode() {
    IpSubnet a = IpSubnet.parse("10.0.0.0/8");
    IpSubnet b = IpSubnet.parse("10.200.0.0/8");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, IpSubnet.parse("10.0.0.0/9"));
    assertNotEquals(a, IpSubnet.parse("11.0.0.0/8"));
    assertNotEquals(IpSubnet.parse("0.0.0.0/0"), IpSubnet.parse("::/0"));
  }

  @Test
  void toStringParsesBack() {
    for (String text : new String[] {"10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "::/0", "fe80::/10", "1.2.3.4/32"}) {
      IpSubnet subnet = IpSubnet.parse(text);
      assertEquals(text, subnet.toString());
      assertEquals(subnet, IpSubnet.parse(subnet.toString()));
    }
  }
}
