package io.jlibp2p.crypto;

import static io.jlibp2p.testing.DecodingAssertions.assertBothVerdictsCommon;
import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multibase;
import io.jlibp2p.multiformats.Multihash;
import io.jlibp2p.testing.SpecRules;
import io.jlibp2p.testing.SpecVerdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerIdTest {

  /** The peer-id spec's examples: the CID and base58 forms name the same sha256 peer. */
  @Test
  void specExamples() {
    PeerId fromCid = PeerId.fromString("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    PeerId fromBase58 = PeerId.fromString("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    assertEquals(fromBase58, fromCid);
    assertEquals("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", fromCid.toString());
    assertEquals("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", fromBase58.toCidString());
    assertEquals(Multihash.Type.SHA2_256, fromCid.multihash().type());
    assertTrue(fromCid.publicKey().isEmpty());

    PeerId ed25519 = PeerId.fromString("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
    assertEquals(Multihash.Type.IDENTITY, ed25519.multihash().type());
    assertEquals(KeyType.ED25519, ed25519.publicKey().orElseThrow().type());
    assertTrue(ed25519.matches(ed25519.publicKey().orElseThrow()));
  }

  @Test
  void cidFormIsAcceptedInOtherMultibases() {
    PeerId id = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    byte[] cid = Multibase.decode(id.toCidString());
    for (Multibase base : Multibase.values()) {
      assertEquals(id, PeerId.fromString(base.encode(cid)), base.name());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "Qm",
    "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5",
    "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N0",
    "12D3KooW",
    "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    "hello",
    "bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xq"
  })
  void rejectsWhatIsNotAPeerId(String text) {
    InvalidPeerIdException e = assertRejects(InvalidPeerIdException.class, () -> PeerId.fromString(text));
    assertTrue(e.getMessage().contains("peer ID"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "1340" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" + ", sha2-512 is not a peer ID hash",
    "1220" + "0000" + ", short sha256",
    "'', empty"
  })
  void rejectsBadBytes(String input, String why) {
    assertRejects(InvalidPeerIdException.class, () -> PeerId.fromBytes(hex(input)));
  }

  @Test
  void orderingIsUnsignedBytewiseLikeGo() {
    PeerId low = PeerId.fromBytes(hex("1220" + "01" + "00".repeat(31)));
    PeerId high = PeerId.fromBytes(hex("1220" + "ff" + "00".repeat(31)));
    assertTrue(low.compareTo(high) < 0, "0x01 sorts before 0xff");
    List<PeerId> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(PeerId.fromPublicKey(PrivateKey.generate().publicKey()));
    }
    List<PeerId> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(Arrays.compareUnsigned(sorted.get(i - 1).toBytes(), sorted.get(i).toBytes()) < 0);
    }
  }

  @Test
  void equalityAndHashing() {
    PeerId id = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    PeerId same = PeerId.fromBytes(id.toBytes());
    assertEquals(id, same);
    assertEquals(id.hashCode(), same.hashCode());
    assertEquals(0, id.compareTo(same));
    assertNotEquals(id, PeerId.fromPublicKey(PrivateKey.generate().publicKey()));
  }

  @Test
  void randomIdsRoundTripThroughBothTextForms() {
    Random random = new Random(77);
    for (int i = 0; i < 3_000; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      PeerId id = PeerId.fromBytes(Multihash.of(Multihash.Type.SHA2_256, digest).toBytes());
      assertEquals(id, PeerId.fromString(id.toBase58()));
      assertEquals(id, PeerId.fromString(id.toCidString()));
    }
  }

  /**
   * Random text of both forms must get the spec's verdict, and an accepted one must be the peer ID
   * of the multihash the spec reads. Legacy text is judged by decoding its base58 independently;
   * CID text is built from bytes the rules judge, in every multibase, sometimes with a character
   * that no alphabet has.
   */
  @Test
  void randomTextGetsTheSpecsVerdict() {
    assertBothVerdictsCommon(21, 20_000, random -> {
      String input;
      SpecVerdict<byte[]> expected;
      switch (random.nextInt(4)) {
        case 0 -> {
          input = randomLegacyText(random);
          expected = PeerIdSpecRules.base58(input);
        }
        case 1 -> {
          String legacy = Multibase.BASE58BTC.encodeBare(randomPeerMultihash(random));
          // Only text that starts like a multihash is read as one; other text is a CID's.
          input = legacy.startsWith("Qm") || legacy.startsWith("1") ? legacy : randomLegacyText(random);
          expected = PeerIdSpecRules.base58(input);
        }
        default -> {
          byte[] cid = randomCid(random);
          Multibase base = Multibase.values()[random.nextInt(Multibase.values().length)];
          String text = base.encode(cid);
          if (random.nextInt(5) == 0) {
            int at = random.nextInt(text.length() + 1);
            input = text.substring(0, at) + "!" + text.substring(at);
            expected = SpecVerdict.rejected("'!' is in no multibase alphabet");
          } else {
            input = text;
            expected = PeerIdSpecRules.cid(cid);
          }
        }
      }
      return parsesAsTheSpecSays(input, expected);
    });
  }

  /** @return whether {@code input} parsed, after checking that the spec agrees */
  private static boolean parsesAsTheSpecSays(String input, SpecVerdict<byte[]> expected) {
    Optional<PeerId> parsed =
        expected.assertDecoderAgrees(InvalidPeerIdException.class, input, () -> PeerId.fromString(input));
    parsed.ifPresent(id -> {
      assertArrayEquals(expected.value(), id.toBytes(), input);
      assertEquals(PeerId.fromBytes(expected.value()), id, input);
      if (input.startsWith("Qm") || input.startsWith("1")) {
        assertEquals(input, id.toBase58(), input); // base58btc has one spelling per byte string
      }
    });
    return parsed.isPresent();
  }

  /** Text that starts like a legacy peer ID, then random base58btc and some other characters. */
  private static String randomLegacyText(Random random) {
    String alphabet = SpecRules.BASE58BTC + "0lIO!";
    String[] prefixes = {"Qm", "1", "12D3KooW", "16Uiu2HA"};
    StringBuilder text = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
    // 44 characters after Qm is the length of a sha2-256 peer ID, which decodes most often.
    int length = random.nextBoolean() ? 44 : random.nextInt(60);
    for (int j = 0; j < length; j++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  /** An identity or sha2-256 multihash (or sha2-512, which is none), often one mistake away. */
  private static byte[] randomPeerMultihash(Random random) {
    byte[] digest;
    byte[] head;
    switch (random.nextInt(4)) {
      case 0 -> {
        digest = randomBytes(random.nextInt(60), random);
        head = new byte[] {0x00, (byte) digest.length};
      }
      case 1 -> {
        digest = randomBytes(32, random);
        head = new byte[] {0x12, 0x20};
      }
      case 2 -> {
        digest = randomBytes(64, random);
        head = new byte[] {0x13, 0x40};
      }
      default -> {
        digest = randomBytes(random.nextInt(60), random);
        head = new byte[] {(byte) (random.nextBoolean() ? 0x00 : 0x12), (byte) random.nextInt(60)};
      }
    }
    byte[] multihash = concat(head, digest);
    return switch (random.nextInt(6)) {
      case 0 -> Arrays.copyOf(multihash, random.nextInt(multihash.length));
      case 1 -> concat(multihash, randomBytes(1 + random.nextInt(3), random));
      case 2 -> {
        multihash[random.nextInt(multihash.length)] ^= (byte) (1 << random.nextInt(8));
        yield multihash;
      }
      default -> multihash;
    };
  }

  /** A libp2p-key CIDv1 of a random peer multihash; sometimes another version or codec. */
  private static byte[] randomCid(Random random) {
    int version = random.nextInt(8) == 0 ? random.nextInt(3) : 1;
    int codec = random.nextInt(8) == 0 ? new int[] {0x55, 0x70, 0x71}[random.nextInt(3)] : 0x72;
    return concat(new byte[] {(byte) version, (byte) codec}, randomPeerMultihash(random));
  }

  private static byte[] randomBytes(int length, Random random) {
    byte[] out = new byte[length];
    random.nextBytes(out);
    return out;
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void readsAndAppendsTheP2pComponentOfAMultiaddr() {
    PeerId id = PeerId.fromString("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
    Multiaddr addr = Multiaddr.fromString("/ip4/1.2.3.4/tcp/80");
    assertEquals(Optional.empty(), PeerId.fromMultiaddr(addr));
    Multiaddr withId = id.appendTo(addr);
    assertEquals(Optional.of(id), PeerId.fromMultiaddr(withId));
    assertEquals(withId, id.appendTo(withId));
    PeerId other = PeerId.fromPublicKey(PrivateKey.generate().publicKey());
    assertThrows(IllegalArgumentException.class, () -> other.appendTo(withId));
  }

  @Test
  void aRelayAddressReachesTheLastPeer() {
    Multiaddr relayed = Multiaddr.fromString("/ip4/1.2.3.4/tcp/1/p2p/12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
        + "/p2p-circuit/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
    assertEquals(PeerId.fromString("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC"), PeerId.fromMultiaddr(relayed).orElseThrow());
  }
}
