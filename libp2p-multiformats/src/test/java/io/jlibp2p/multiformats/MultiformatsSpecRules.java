package io.jlibp2p.multiformats;

import static io.jlibp2p.testing.SpecRules.IDENTITY;
import static io.jlibp2p.testing.SpecRules.SHA2_256;
import static io.jlibp2p.testing.SpecRules.SHA2_512;

import io.jlibp2p.testing.SpecRules;
import io.jlibp2p.testing.SpecRules.CidParts;
import io.jlibp2p.testing.SpecRules.MultihashParts;
import io.jlibp2p.testing.SpecVerdict;
import io.jlibp2p.testing.SpecViolation;
import java.io.ByteArrayOutputStream;

/**
 * The decoding rules of the multiformats specs, written out a second time, as plainly as possible
 * and without calling the production decoders: the oracle that the randomized tests compare the
 * decoders against. A rule here that disagrees with a decoder is a finding, not something to tune.
 * The rules that other modules' oracles share are in {@link SpecRules}; this class limits them to
 * what jlibp2p's multiformats types support.
 *
 * <ul>
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
  static final String BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** The functions of {@link Multihash.Type}. */
  private static final long[] FUNCTIONS = {IDENTITY, SHA2_256, SHA2_512};

  private MultiformatsSpecRules() {}

  /**
   * Decoded multibase text. {@code canonical} is false when the final character of a base16/32/64
   * text carries non-zero bits that fall outside the last whole byte: RFC 4648 section 3.5 lets a
   * decoder accept such text or reject it, so either verdict is allowed, but an accepting decoder
   * must return {@code bytes}.
   */
  record MultibaseText(Multibase base, byte[] bytes, boolean canonical) {}

  static SpecVerdict<MultihashParts> multihash(byte[] bytes) {
    return SpecVerdict.of(() -> {
      MultihashParts parts = SpecRules.readMultihash(bytes, 0, FUNCTIONS);
      SpecRules.requireEnd(bytes, parts.end(), "multihash");
      return parts;
    });
  }

  static SpecVerdict<CidParts> cidV1(byte[] bytes) {
    return SpecVerdict.of(() -> SpecRules.readCidV1(bytes, FUNCTIONS));
  }

  static SpecVerdict<MultibaseText> multibase(String text) {
    return SpecVerdict.of(() -> {
      if (text.isEmpty()) {
        throw new SpecViolation("empty text has no multibase prefix");
      }
      String body = text.substring(1);
      return switch (text.charAt(0)) {
        case 'f' -> powerOfTwo(Multibase.BASE16, body, BASE16, 4, true);
        case 'F' -> powerOfTwo(Multibase.BASE16_UPPER, body, BASE16, 4, true);
        case 'b' -> powerOfTwo(Multibase.BASE32, body, BASE32, 5, true);
        case 'B' -> powerOfTwo(Multibase.BASE32_UPPER, body, BASE32, 5, true);
        case 'k' -> radix(Multibase.BASE36, body, BASE36, true);
        case 'K' -> radix(Multibase.BASE36_UPPER, body, BASE36, true);
        case 'z' -> radix(Multibase.BASE58BTC, body, SpecRules.BASE58BTC, false);
        case 'm' -> powerOfTwo(Multibase.BASE64, body, BASE64, 6, false);
        case 'u' -> powerOfTwo(Multibase.BASE64URL, body, BASE64URL, 6, false);
        default -> throw new SpecViolation(
            "prefix '" + text.charAt(0) + "' is not a multibase that jlibp2p supports");
      };
    });
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

  /** RFC 4648 without padding: each character is {@code bits} bits of one bit stream. */
  private static MultibaseText powerOfTwo(
      Multibase base, String body, String alphabet, int bits, boolean anyCase) throws SpecViolation {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int buffered = 0;
    for (int i = 0; i < body.length(); i++) {
      int value = SpecRules.digit(body.charAt(i), alphabet, anyCase);
      buffer = (buffer << bits | value) & 0xFFFF;
      buffered += bits;
      if (buffered >= 8) {
        buffered -= 8;
        out.write(buffer >>> buffered);
      }
    }
    if (buffered >= bits) {
      // The last character carries no bit of a whole byte: no unpadded text ends like this.
      throw new SpecViolation(
          body.length() + " characters is not a length " + base + " text can have");
    }
    boolean canonical = (buffer & ((1 << buffered) - 1)) == 0;
    return new MultibaseText(base, out.toByteArray(), canonical);
  }

  /** A big number in {@code alphabet}, each leading zero digit standing for a zero byte. */
  private static MultibaseText radix(Multibase base, String body, String alphabet, boolean anyCase)
      throws SpecViolation {
    return new MultibaseText(base, SpecRules.bigNumber(body, alphabet, anyCase), true);
  }
}
