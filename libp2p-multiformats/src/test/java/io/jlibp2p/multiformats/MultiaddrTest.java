package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.acceptsOrRejectsCleanly;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultiaddrTest {

  private static final String ED25519_ID = "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq";

  /** The computed example of shared/reference/specs-digest.md, section 3. */
  @Test
  void tcpAddressWithPeerId() {
    Multiaddr addr = Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001/p2p/" + ED25519_ID);
    assertEquals(
        "047f000001060fa1a50326" + "0024080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e",
        hex(addr.toBytes()));
    assertEquals(ED25519_ID, addr.last(MultiaddrProtocol.P2P).orElseThrow().valueText());
    assertEquals(Optional.of("4001"), addr.valueOf(MultiaddrProtocol.TCP));
    assertEquals(Optional.of("127.0.0.1"), addr.valueOf(MultiaddrProtocol.IP4));
    assertEquals(Optional.empty(), addr.valueOf(MultiaddrProtocol.UDP));
  }

  @Test
  void encapsulateAndDecapsulate() {
    Multiaddr transport = Multiaddr.fromString("/ip4/1.2.3.4/tcp/80");
    Multiaddr peer = Multiaddr.fromString("/p2p/" + ED25519_ID);
    Multiaddr full = transport.encapsulate(peer);
    assertEquals("/ip4/1.2.3.4/tcp/80/p2p/" + ED25519_ID, full.toString());
    assertEquals(transport, full.decapsulate(peer));
    assertEquals(Multiaddr.fromString("/ip4/1.2.3.4"), full.decapsulate(MultiaddrProtocol.TCP));
    assertEquals(Multiaddr.fromString("/ip4/1.2.3.4"), full.decapsulate(Multiaddr.fromString("/tcp/80")));
    assertSame(full, full.decapsulate(Multiaddr.fromString("/tcp/81")));
    assertSame(full, full.decapsulate(MultiaddrProtocol.UDP));
    assertEquals(Multiaddr.EMPTY, full.decapsulate(MultiaddrProtocol.IP4));
    assertEquals("", Multiaddr.EMPTY.toString());
    // Go's old string-based Decapsulate cut "/tcp/8" out of "/tcp/80"; whole components only here.
    assertSame(full, full.decapsulate(Multiaddr.fromString("/tcp/8")));
  }

  @Test
  void decapsulateRemovesTheLastOccurrence() {
    Multiaddr relayed =
        Multiaddr.fromString(
            "/ip4/1.2.3.4/tcp/1/p2p/" + ED25519_ID + "/p2p-circuit/p2p/"
                + "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
    assertEquals(
        Multiaddr.fromString("/ip4/1.2.3.4/tcp/1/p2p/" + ED25519_ID + "/p2p-circuit"),
        relayed.decapsulate(MultiaddrProtocol.P2P));
    assertEquals(
        "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        relayed.last(MultiaddrProtocol.P2P).orElseThrow().valueText());
  }

  @Test
  void unixPathTakesTheRestOfTheAddress() {
    Multiaddr addr = Multiaddr.fromString("/ip4/1.2.3.4/tcp/80/unix/a/b/c.sock");
    assertEquals(Optional.of("/a/b/c.sock"), addr.valueOf(MultiaddrProtocol.UNIX));
    assertEquals("/ip4/1.2.3.4/tcp/80/unix/a/b/c.sock", addr.toString());
  }

  @ParameterizedTest
  @CsvSource({
    "/ip4/1.2.3.256, /ip4/1.2.3.256",
    "/ip4/01.2.3.4, /ip4/01.2.3.4",
    "/tcp/65536, /tcp/65536",
    "/tcp/-1, /tcp/-1",
    "/dns4/, /dns4",
    "/ip6/1:2:3:4:5:6:7:8:9, /ip6/1:2:3:4:5:6:7:8:9",
    "/ip6/1::2::3, /ip6/1::2::3",
    "/p2p/notapeerid, /p2p/notapeerid",
    "/ws/80, /ws/80",
    "/certhash/zzz, /certhash/zzz",
    "/foo/1, foo",
    "ip4/1.2.3.4, must begin"
  })
  void errorNamesTheOffendingComponent(String text, String named) {
    InvalidMultiaddrException e =
        assertRejects(InvalidMultiaddrException.class, () -> Multiaddr.fromString(text));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "06, component 1 (/tcp)",
    "047f0000, component 1 (/ip4)",
    "047f000001ff, component 2",
    "047f000001e9dc11, component 2 has unknown protocol code 290409",
    "a50305, component 1 (/p2p)",
    "a50303000201, component 1: invalid component /p2p",
    "3500, /dns",
    "3502c328, /dns",
    "9003032f612f, /unix",
    "2a01, component 1 (/ip6zone)",
    "a503ffffffffffffffffff01, component 1 (/p2p)",
    "9003022f61060050, component 2 follows /unix"
  })
  void binaryErrorNamesTheComponent(String binaryHex, String named) {
    InvalidMultiaddrException e =
        assertRejects(InvalidMultiaddrException.class, () -> Multiaddr.fromBytes(hex(binaryHex)));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "::, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "2001:DB8::1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
    "::ffff:1.2.3.4, ::ffff:1.2.3.4",
    "fe80::, fe80::"
  })
  void ip6PrintsLikeGo(String input, String printed) {
    assertEquals("/ip6/" + printed, Multiaddr.fromString("/ip6/" + input).toString());
  }

  @Test
  void equalityIsByBytes() {
    Multiaddr a = Multiaddr.fromString("/ip4/1.2.3.4/tcp/80");
    Multiaddr b = Multiaddr.fromBytes(a.toBytes());
    assertEquals(a, b);
    assertNotEquals(a, Multiaddr.fromString("/ip4/1.2.3.4/tcp/81"));
    assertEquals(
        Multiaddr.fromString("/ipfs/" + ED25519_ID), Multiaddr.fromString("/p2p/" + ED25519_ID));
  }

  @Test
  void randomAddressesRoundTrip() {
    Random random = new Random(1234);
    for (int i = 0; i < 5_000; i++) {
      Multiaddr addr = randomAddress(random);
      assertEquals(addr, Multiaddr.fromString(addr.toString()), addr.toString());
      assertEquals(addr, Multiaddr.fromBytes(addr.toBytes()), addr.toString());
      assertEquals(addr.toString(), Multiaddr.fromBytes(addr.toBytes()).toString());
    }
  }

  @Test
  void randomBytesDecodeOrFailCleanly() {
    Random random = new Random(99);
    MultiaddrProtocol[] protocols = MultiaddrProtocol.values();
    for (int i = 0; i < 50_000; i++) {
      byte[] input;
      if (random.nextBoolean()) {
        input = new byte[random.nextInt(24)];
        random.nextBytes(input);
      } else {
        // Start from a valid address and corrupt it, to get past the first byte more often.
        input = randomAddress(random).toBytes();
        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        if (random.nextBoolean()) {
          input = java.util.Arrays.copyOf(input, random.nextInt(input.length + 1));
        }
      }
      byte[] bytes = input;
      acceptsOrRejectsCleanly(InvalidMultiaddrException.class, hex(bytes), () -> Multiaddr.fromBytes(bytes));
    }
    assertTrue(protocols.length > 20);
  }

  @Test
  void randomTextParsesOrFailsCleanly() {
    Random random = new Random(5);
    String[] pieces = {"/", "ip4", "ip6", "tcp", "1.2.3.4", "::1", "80", "p2p", ED25519_ID, "dns", "x",
      "unix", "certhash", "uEiD", "..", ":", "65536", "", "sni", "ipcidr", "999", "ip6zone", "%"};
    for (int i = 0; i < 50_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(8);
      for (int j = 0; j < length; j++) {
        text.append(pieces[random.nextInt(pieces.length)]);
        if (random.nextBoolean()) {
          text.append('/');
        }
      }
      String input = text.toString();
      if (acceptsOrRejectsCleanly(InvalidMultiaddrException.class, input, () -> Multiaddr.fromString(input))) {
        Multiaddr parsed = Multiaddr.fromString(input);
        assertEquals(parsed, Multiaddr.fromString(parsed.toString()), input);
      }
    }
  }

  private static Multiaddr randomAddress(Random random) {
    List<MultiaddrComponent> components = new ArrayList<>();
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      MultiaddrComponent component = randomComponent(random);
      // A Unix path takes the rest of the text form, so it can only come last.
      if (component.protocol() != MultiaddrProtocol.UNIX || i == count - 1) {
        components.add(component);
      }
    }
    return components.isEmpty() ? Multiaddr.fromString("/ws") : Multiaddr.of(components);
  }

  private static MultiaddrComponent randomComponent(Random random) {
    MultiaddrProtocol[] protocols = MultiaddrProtocol.values();
    MultiaddrProtocol protocol = protocols[random.nextInt(protocols.length)];
    if (!protocol.hasValue()) {
      return MultiaddrComponent.of(protocol, null);
    }
    byte[] value =
        switch (protocol) {
          case IP4 -> randomBytes(random, 4);
          case IP6 -> randomIp6(random);
          case TCP, UDP -> randomBytes(random, 2);
          case IPCIDR -> randomBytes(random, 1);
          // An identity multihash of 36 bytes, the shape of an Ed25519 peer ID.
          case P2P -> Multihash.of(Multihash.Type.IDENTITY, randomBytes(random, 36)).toBytes();
          case CERTHASH -> Multihash.digest(Multihash.Type.SHA2_256, randomBytes(random, 8)).toBytes();
          case UNIX -> ("/tmp/" + random.nextInt(1000) + "/s.sock").getBytes();
          default -> ("host-" + random.nextInt(1_000_000) + ".example").getBytes();
        };
    return MultiaddrComponent.ofBytes(protocol, value);
  }

  private static byte[] randomIp6(Random random) {
    byte[] bytes = randomBytes(random, 16);
    // Zero runs and IPv4-mapped forms exercise the compression rules.
    int zeros = random.nextInt(17);
    int start = random.nextInt(17 - zeros);
    java.util.Arrays.fill(bytes, start, start + zeros, (byte) 0);
    if (random.nextInt(8) == 0) {
      java.util.Arrays.fill(bytes, 0, 10, (byte) 0);
      bytes[10] = (byte) 0xff;
      bytes[11] = (byte) 0xff;
    }
    return bytes;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
