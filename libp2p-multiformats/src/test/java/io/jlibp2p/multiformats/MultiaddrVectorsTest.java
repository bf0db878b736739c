package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.TestVectors;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The multiaddr spec's, go-multiaddr's and rust-multiaddr's test cases. */
class MultiaddrVectorsTest {

  static Stream<Arguments> valid() {
    return TestVectors.rows("multiaddr-valid.tsv").stream()
        .map(row -> Arguments.of(row[0], row[1], row[2].isEmpty() ? row[0] : row[2]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validAddressConvertsBothWays(String text, String binaryHex, String canonical) {
    Multiaddr parsed = Multiaddr.fromString(text);
    assertEquals(binaryHex, hex(parsed.toBytes()), "binary form");
    assertEquals(canonical, parsed.toString(), "text form");

    Multiaddr decoded = Multiaddr.fromBytes(hex(binaryHex));
    assertEquals(parsed, decoded);
    assertEquals(parsed.hashCode(), decoded.hashCode());
    assertEquals(canonical, decoded.toString());
    assertEquals(parsed, Multiaddr.fromString(canonical));
  }

  @Test
  void coversTheVectorFile() {
    assertTrue(valid().count() > 200, "expected the full vector file");
  }

  static List<String> invalid() {
    return TestVectors.lines("multiaddr-invalid.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidAddressIsRejectedWithItsText(String text) {
    InvalidMultiaddrException e =
        assertRejects(InvalidMultiaddrException.class, () -> Multiaddr.fromString(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  static List<String> invalidBytes() {
    return TestVectors.lines("multiaddr-invalid-bytes.txt");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBytes")
  void invalidBinaryIsRejected(String binaryHex) {
    assertRejects(InvalidMultiaddrException.class, () -> Multiaddr.fromBytes(hex(binaryHex)));
  }
}
