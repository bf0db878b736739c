package io.jlibp2p.multiformats.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.multiformats.Cid;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.InvalidCidException;
import io.jlibp2p.multiformats.InvalidMultiaddrException;
import io.jlibp2p.multiformats.InvalidMultibaseException;
import io.jlibp2p.multiformats.InvalidMultihashException;
import io.jlibp2p.multiformats.InvalidVarintException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Multibase;
import io.jlibp2p.multiformats.Multihash;
import io.jlibp2p.multiformats.PeerIdText;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.testing.DecodingAssertions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Jazzer fuzz targets, one per decoder of this module. Each checks properties of the verdict, not
 * only that nothing crashed:
 *
 * <ul>
 *   <li>rejected input throws the decoder's documented {@link DecodingException} subclass, with a
 *       message; any other exception propagates, and Jazzer reports it;
 *   <li>accepted input re-encodes to something that decodes to an equal value;
 *   <li>where the format has one encoding per value (varints, binary multihashes, CIDs and
 *       multiaddrs), the re-encoding is the input itself; text forms are compared up to what their
 *       specs leave open (see {@link #assertSameMultibaseText}), or not at all where the class
 *       normalizes (multiaddr text).
 * </ul>
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/multiformats/fuzz/MultiformatsFuzzTestInputs/<method>/}. To fuzz
 * one target ({@code maxDuration} bounds the run):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-multiformats -Ddocs.phase=none \
 *     -Dtest='MultiformatsFuzzTest#multiaddrFromBytes'
 * </pre>
 *
 * <p>A failing input is written to that directory; keep it there as a regression input. Text
 * targets read their input as UTF-8, so that seed files are plain text; malformed UTF-8 becomes
 * U+FFFD, which still reaches the non-ASCII paths.
 */
class MultiformatsFuzzTest {

  @FuzzTest(maxDuration = "60s")
  void unsignedVarint(byte[] input) {
    Optional<Long> read =
        decode(InvalidVarintException.class, () -> UnsignedVarint.read(input, 0));
    Optional<Long> whole = decode(InvalidVarintException.class, () -> UnsignedVarint.decode(input));
    ByteBuf buf = Unpooled.wrappedBuffer(input);
    try {
      Optional<Long> streamed =
          decode(InvalidVarintException.class, () -> UnsignedVarint.readIfComplete(buf));
      // Only a run of continuation bytes shorter than the maximum can still become a varint.
      boolean incomplete = input.length < UnsignedVarint.MAX_LENGTH && allHaveHighBit(input);
      assertEquals(incomplete, streamed.equals(Optional.of(UnsignedVarint.INCOMPLETE)), hex(input));
      if (read.isEmpty()) {
        assertTrue(whole.isEmpty(), hex(input));
        assertEquals(0, buf.readerIndex(), "a rejected varint must not move the reader index");
        return;
      }
      long value = read.get();
      assertTrue(value >= 0, hex(input));
      // Minimal encoding is the only one the spec accepts, so the varint is its own re-encoding.
      int length = UnsignedVarint.encodedLength(value);
      assertArrayEquals(Arrays.copyOf(input, length), UnsignedVarint.encode(value), hex(input));
      assertEquals(streamed, read, "readIfComplete and read disagree on " + hex(input));
      assertEquals(length, buf.readerIndex(), hex(input));
      assertEquals(length == input.length ? read : Optional.empty(), whole, hex(input));
    } finally {
      buf.release();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void multibase(byte[] input) {
    String text = utf8(input);
    Optional<byte[]> decoded = decode(InvalidMultibaseException.class, () -> Multibase.decode(text));
    if (decoded.isEmpty()) {
      return;
    }
    byte[] bytes = decoded.get();
    String reencoded = Multibase.forPrefixOf(text).encode(bytes);
    assertArrayEquals(bytes, Multibase.decode(reencoded), reencoded);
    assertSameMultibaseText(text, reencoded);
  }

  @FuzzTest(maxDuration = "60s")
  void multihash(byte[] input) {
    Optional<Multihash> decoded =
        decode(InvalidMultihashException.class, () -> Multihash.decode(input));
    if (decoded.isEmpty()) {
      return;
    }
    Multihash hash = decoded.get();
    assertArrayEquals(input, hash.toBytes(), "a multihash has one binary form");
    assertEquals(hash, Multihash.decode(hash.toBytes()));
    assertEquals(hash, Multihash.of(hash.type(), hash.digest()));
  }

  @FuzzTest(maxDuration = "60s")
  void cidFromBytes(byte[] input) {
    Optional<Cid> decoded = decode(InvalidCidException.class, () -> Cid.decode(input));
    if (decoded.isEmpty()) {
      return;
    }
    Cid cid = decoded.get();
    assertArrayEquals(input, cid.toBytes(), "a CIDv1 has one binary form");
    assertEquals(cid, Cid.decode(cid.toBytes()));
    assertEquals(cid, Cid.decode(cid.toString()), cid.toString());
  }

  @FuzzTest(maxDuration = "60s")
  void cidFromText(byte[] input) {
    String text = utf8(input);
    Optional<Cid> decoded = decode(InvalidCidException.class, () -> Cid.decode(text));
    if (decoded.isEmpty()) {
      return;
    }
    Cid cid = decoded.get();
    String reencoded = cid.toString(Multibase.forPrefixOf(text));
    assertEquals(cid, Cid.decode(reencoded), reencoded);
    assertSameMultibaseText(text, reencoded);
  }

  @FuzzTest(maxDuration = "60s")
  void multiaddrFromBytes(byte[] input) {
    Optional<Multiaddr> decoded =
        decode(InvalidMultiaddrException.class, () -> Multiaddr.fromBytes(input));
    if (decoded.isEmpty()) {
      return;
    }
    Multiaddr addr = decoded.get();
    assertArrayEquals(input, addr.toBytes(), "a multiaddr has one binary form");
    assertEquals(addr, Multiaddr.fromBytes(addr.toBytes()));
    assertEquals(input.length == 0, addr.isEmpty());
    // Multiaddr.toString promises that fromString(toString()) is the same address.
    String text = addr.toString();
    assertEquals(addr, decodeOrFail(() -> Multiaddr.fromString(text), text), text);
  }

  @FuzzTest(maxDuration = "60s")
  void multiaddrFromText(byte[] input) {
    String text = utf8(input);
    Optional<Multiaddr> decoded =
        decode(InvalidMultiaddrException.class, () -> Multiaddr.fromString(text));
    if (decoded.isEmpty()) {
      return;
    }
    // The text form is normalized (trailing slashes, /ipfs, IPv6 and port spelling, peer IDs and
    // certhashes in other bases), so only the printed form is a fixed point.
    Multiaddr addr = decoded.get();
    String canonical = addr.toString();
    Multiaddr reparsed = decodeOrFail(() -> Multiaddr.fromString(canonical), canonical);
    assertEquals(addr, reparsed, canonical);
    assertEquals(canonical, reparsed.toString());
    assertEquals(addr, Multiaddr.fromBytes(addr.toBytes()), canonical);
    assertEquals(text.isEmpty(), addr.isEmpty(), text);
  }

  @FuzzTest(maxDuration = "60s")
  void peerIdText(byte[] input) {
    String text = utf8(input);
    // PeerIdText.decode documents these three, depending on which form the text fails as.
    Optional<Multihash> decoded =
        decode(
            List.of(
                InvalidMultibaseException.class,
                InvalidCidException.class,
                InvalidMultihashException.class),
            () -> PeerIdText.decode(text));
    if (decoded.isEmpty()) {
      return;
    }
    Multihash hash = decoded.get();
    assertTrue(
        hash.type() == Multihash.Type.IDENTITY || hash.type() == Multihash.Type.SHA2_256,
        hash.type().name());
    assertEquals(hash, PeerIdText.requireValid(hash.toBytes()));
    String base58 = PeerIdText.encode(hash.toBytes());
    assertEquals(hash, PeerIdText.decode(base58), base58);
    if (text.startsWith("Qm") || text.startsWith("1")) {
      // Base58 has one spelling per byte string.
      assertEquals(text, base58);
    } else {
      String reencoded = Cid.of(Cid.LIBP2P_KEY, hash).toString(Multibase.forPrefixOf(text));
      assertSameMultibaseText(text, reencoded);
    }
  }

  /**
   * Asserts that {@code reencoded}, the encoding of what {@code text} decoded to in the base that
   * {@code text} announces, is {@code text} up to what the multibase spec leaves open: the case of
   * letters in the bases that decode either case, and the unused low bits of the last character of
   * base32 and base64 text, which RFC 4648 section 3.5 lets a decoder ignore.
   */
  private static void assertSameMultibaseText(String text, String reencoded) {
    Multibase base = Multibase.forPrefixOf(text);
    String expected =
        switch (base) {
          case BASE16, BASE32, BASE36 -> asciiCase(text, false);
          case BASE16_UPPER, BASE32_UPPER, BASE36_UPPER -> asciiCase(text, true);
          default -> text;
        };
    int bitsPerCharacter =
        switch (base) {
          case BASE32, BASE32_UPPER -> 5;
          case BASE64, BASE64URL -> 6;
          default -> 8;
        };
    int characters = text.length() - 1;
    if (characters * bitsPerCharacter % 8 == 0) {
      assertEquals(expected, reencoded);
      return;
    }
    assertEquals(expected.length(), reencoded.length(), text);
    assertEquals(
        expected.substring(0, expected.length() - 1),
        reencoded.substring(0, reencoded.length() - 1),
        "only the last character may differ from " + text);
  }

  /**
   * Decodes, or returns empty if the decoder rejected the input as it should: with {@code expected}
   * and a message. Any other exception is left to propagate, for Jazzer to report.
   */
  private static <T> Optional<T> decode(
      Class<? extends DecodingException> expected, Supplier<T> decoder) {
    return decode(List.of(expected), decoder);
  }

  /** Jazzer prints the failing input itself, so the assertion messages need not. */
  private static <T> Optional<T> decode(
      List<Class<? extends DecodingException>> expected, Supplier<T> decoder) {
    return DecodingAssertions.decodesOrRejectsCleanly(
        List.copyOf(expected), () -> "the fuzzer's", decoder::get);
  }

  /** Decodes what this module printed itself, which must never be rejected. */
  private static <T> T decodeOrFail(Supplier<T> decoder, String printed) {
    try {
      return decoder.get();
    } catch (DecodingException e) {
      return fail("rejected its own output " + printed, e);
    }
  }

  private static boolean allHaveHighBit(byte[] bytes) {
    for (byte b : bytes) {
      if ((b & 0x80) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Changes the case of ASCII letters only: KELVIN SIGN must not become 'k' here. */
  private static String asciiCase(String text, boolean upper) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (upper && c >= 'a' && c <= 'z') {
        c = (char) (c - ('a' - 'A'));
      } else if (!upper && c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String utf8(byte[] input) {
    return new String(input, StandardCharsets.UTF_8);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
