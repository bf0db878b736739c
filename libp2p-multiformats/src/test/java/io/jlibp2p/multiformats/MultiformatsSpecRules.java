package io.jlibp2p.multiformats;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The decoding rules of the multiformats specs, written out a second time, as plainly as possible
 * and without calling the production decoders: the oracle that the randomized tests compare the
 * decoders against. A rule here that disagrees with a decoder is a finding, not something to tune.
 *
 * <ul>
 *   <li><a href="https://github.com/multiformats/unsigned-varint">unsigned-varint</a>: at most 9
 *       bytes, minimal (no final {@code 0x00} after other bytes);
 *   <li><a href="https://github.com/multiformats/multihash">multihash</a>: {@code <varint
 *       code><varint length><digest>}, limited to the functions of {@link Multihash.Type};
 *   <li><a href="https://github.com/multiformats/cid">CID</a>: {@code <varint 1><varint
 *       codec><multihash>} (version 1 only: {@link Cid} does not decode CIDv0);
 *   <li><a href="https://github.com/multiformats/multibase">multibase</a>: the unpadded encodings
 *       of {@link Multibase}, case-insensitive where the alphabet has one case.
 * </ul>
 */
final class MultiformatsSpecRules {

  static final String BASE16 = "0123456789abcdef";
  static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
  static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  static final String BASE58BTC = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private MultiformatsSpecRules() {}

  /** The spec's verdict on one input: the value it encodes, or the rule it breaks. */
  record Verdict<T>(T value, String violation) {
    boolean valid() {
      return violation == null;
    }

    /** The failure message when a decoder's verdict on {@code input} is not this one. */
    String mismatch(String input) {
      return valid()
          ? input + " is valid by the spec, but the decoder rejected it"
          : input + " was accepted, but the spec rejects it: " + violation;
    }
  }

  record Varint(long value, int length) {}

  /** A multihash as the spec reads it; {@code end} is the offset just past the digest. */
  record MultihashParts(long code, byte[] digest, int end) {}

  record CidParts(long codec, MultihashParts multihash) {}

  /**
   * Decoded multibase text. {@code canonical} is false when the final character of a base16/32/64
   * text carries non-zero bits that fall outside the last whole byte: RFC 4648 section 3.5 lets a
   * decoder accept such text or reject it, so either verdict is allowed, but an accepting decoder
   * must return {@code bytes}.
   */
  record MultibaseText(Multibase base, byte[] bytes, boolean canonical) {}

  /** Thrown inside this class when an input breaks a rule; turned into a {@link Verdict}. */
  private static final class Violation extends Exception {
    Violation(String rule) {
      super(rule, null, false, false);
    }
  }

  static Verdict<MultihashParts> multihash(byte[] bytes) {
    try {
      MultihashParts parts = readMultihash(bytes, 0);
      requireEnd(bytes, parts.end(), "multihash");
      return new Verdict<>(parts, null);
    } catch (Violation v) {
      return new Verdict<>(null, v.getMessage());
    }
  }

  static Verdict<CidParts> cidV1(byte[] bytes) {
    try {
      Varint version = readVarint(bytes, 0, "CID version");
      if (version.value() != 1) {
        throw new Violation("CID version " + version.value() + " is not 1");
      }
      Varint codec = readVarint(bytes, version.length(), "CID codec");
      MultihashParts multihash = readMultihash(bytes, version.length() + codec.length());
      requireEnd(bytes, multihash.end(), "CID");
      return new Verdict<>(new CidParts(codec.value(), multihash), null);
    } catch (Violation v) {
      return new Verdict<>(null, v.getMessage());
    }
  }

  static Verdict<MultibaseText> multibase(String text) {
    try {
      if (text.isEmpty()) {
        throw new Violation("empty text has no multibase prefix");
      }
      String body = text.substring(1);
      MultibaseText decoded =
          switch (text.charAt(0)) {
            case 'f' -> powerOfTwo(Multibase.BASE16, body, BASE16, 4, true);
            case 'F' -> powerOfTwo(Multibase.BASE16_UPPER, body, BASE16, 4, true);
            case 'b' -> powerOfTwo(Multibase.BASE32, body, BASE32, 5, true);
            case 'B' -> powerOfTwo(Multibase.BASE32_UPPER, body, BASE32, 5, true);
            case 'k' -> radix(Multibase.BASE36, body, BASE36, true);
            case 'K' -> radix(Multibase.BASE36_UPPER, body, BASE36, true);
            case 'z' -> radix(Multibase.BASE58BTC, body, BASE58BTC, false);
            case 'm' -> powerOfTwo(Multibase.BASE64, body, BASE64, 6, false);
            case 'u' -> powerOfTwo(Multibase.BASE64URL, body, BASE64URL, 6, false);
            default -> throw new Violation(
                "prefix '" + text.charAt(0) + "' is not a multibase that jlibp2p supports");
          };
      return new Verdict<>(decoded, null);
    } catch (Violation v) {
      return new Verdict<>(null, v.getMessage());
    }
  }

  /**
   * The text a valid, canonical multibase text re-encodes to: the same, with case-insensitive
   * letters in the case of its prefix.
   */
  static String inCaseOfPrefix(String text) {
    return switch (text.charAt(0)) {
      case 'f', 'b', 'k' -> text.toLowerCase(java.util.Locale.ROOT);
      case 'F', 'B', 'K' -> text.toUpperCase(java.util.Locale.ROOT);
      default -> text;
    };
  }

  private static Varint readVarint(byte[] bytes, int offset, String what) throws Violation {
    long value = 0;
    for (int i = 0; i < 9; i++) {
      if (offset + i >= bytes.length) {
        throw new Violation(what + ": input ends inside the varint");
      }
      int b = bytes[offset + i] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new Violation(what + ": varint is not minimal");
        }
        return new Varint(value, i + 1);
      }
    }
    throw new Violation(what + ": varint longer than 9 bytes");
  }

  private static MultihashParts readMultihash(byte[] bytes, int offset) throws Violation {
    Varint code = readVarint(bytes, offset, "multihash code");
    long required =
        switch ((int) Math.min(code.value(), Integer.MAX_VALUE)) {
          case 0x00 -> -1; // identity: any length
          case 0x12 -> 32;
          case 0x13 -> 64;
          default -> throw new Violation(
              "multihash function 0x" + Long.toHexString(code.value()) + " is not supported");
        };
    Varint length = readVarint(bytes, offset + code.length(), "multihash length");
    int start = offset + code.length() + length.length();
    if (length.value() > bytes.length - start) {
      throw new Violation("multihash digest shorter than its declared " + length.value() + " bytes");
    }
    if (required >= 0 && length.value() != required) {
      throw new Violation("digest of function 0x" + Long.toHexString(code.value()) + " must be "
          + required + " bytes, not " + length.value());
    }
    int end = start + (int) length.value();
    return new MultihashParts(code.value(), Arrays.copyOfRange(bytes, start, end), end);
  }

  private static void requireEnd(byte[] bytes, int end, String what) throws Violation {
    if (end != bytes.length) {
      throw new Violation(what + " followed by " + (bytes.length - end) + " byte(s)");
    }
  }

  /** RFC 4648 without padding: each character is {@code bits} bits of one bit stream. */
  private static MultibaseText powerOfTwo(
      Multibase base, String body, String alphabet, int bits, boolean anyCase) throws Violation {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int buffered = 0;
    for (int i = 0; i < body.length(); i++) {
      int value = digit(body.charAt(i), alphabet, anyCase);
      buffer = (buffer << bits | value) & 0xFFFF;
      buffered += bits;
      if (buffered >= 8) {
        buffered -= 8;
        out.write(buffer >>> buffered);
      }
    }
    if (buffered >= bits) {
      // The last character carries no bit of a whole byte: no unpadded text ends like this.
      throw new Violation(
          body.length() + " characters is not a length " + base + " text can have");
    }
    boolean canonical = (buffer & ((1 << buffered) - 1)) == 0;
    return new MultibaseText(base, out.toByteArray(), canonical);
  }

  /** A big number in {@code alphabet}, each leading zero digit standing for a zero byte. */
  private static MultibaseText radix(Multibase base, String body, String alphabet, boolean anyCase)
      throws Violation {
    int zeros = 0;
    while (zeros < body.length() && body.charAt(zeros) == alphabet.charAt(0)) {
      zeros++;
    }
    BigInteger value = BigInteger.ZERO;
    BigInteger radix = BigInteger.valueOf(alphabet.length());
    for (int i = zeros; i < body.length(); i++) {
      value = value.multiply(radix).add(BigInteger.valueOf(digit(body.charAt(i), alphabet, anyCase)));
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    if (magnitude.length > 0 && magnitude[0] == 0) {
      magnitude = Arrays.copyOfRange(magnitude, 1, magnitude.length); // BigInteger's sign byte
    }
    byte[] out = new byte[zeros + magnitude.length];
    System.arraycopy(magnitude, 0, out, zeros, magnitude.length);
    return new MultibaseText(base, out, true);
  }

  private static int digit(char c, String alphabet, boolean anyCase) throws Violation {
    // Only ASCII letters have a second case here: the alphabets are ASCII, and so is their text.
    char folded = anyCase && c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    int value = alphabet.indexOf(folded);
    if (value < 0) {
      throw new Violation("character '" + c + "' (U+" + String.format("%04X", (int) c)
          + ") is not in the alphabet");
    }
    return value;
  }
}
