package io.jlibp2p.multiformats;

import java.util.Arrays;
import java.util.Locale;

/**
 * A big-number base encoding, where leading zero bytes become leading zero digits: base58btc (the
 * Bitcoin alphabet, for legacy peer IDs) and base36 (for IPNS keys and some CIDs).
 *
 * <p>Quadratic in the input length, like every such codec: meant for identifiers, not bulk data.
 */
final class RadixEncoding {

  static final RadixEncoding BASE58BTC =
      new RadixEncoding("base58btc", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz");
  static final RadixEncoding BASE36 =
      new RadixEncoding("base36", "0123456789abcdefghijklmnopqrstuvwxyz");

  private final String name;
  private final char[] alphabet;
  private final int radix;
  private final int[] indexes = new int[128];
  /** Digits per byte and bytes per digit, rounded up: sizes for the work buffers. */
  private final double digitsPerByte;
  private final double bytesPerDigit;

  private RadixEncoding(String name, String alphabet) {
    this.name = name;
    this.alphabet = alphabet.toCharArray();
    this.radix = alphabet.length();
    Arrays.fill(indexes, -1);
    for (int i = 0; i < radix; i++) {
      indexes[alphabet.charAt(i)] = i;
    }
    this.digitsPerByte = Math.log(256) / Math.log(radix);
    this.bytesPerDigit = Math.log(radix) / Math.log(256);
  }

  String encode(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    byte[] digits = new byte[(int) Math.ceil((input.length - zeros) * digitsPerByte) + 1];
    int length = 0;
    for (int i = zeros; i < input.length; i++) {
      int carry = input[i] & 0xFF;
      for (int j = 0; j < length; j++) {
        carry += (digits[j] & 0xFF) << 8;
        digits[j] = (byte) (carry % radix);
        carry /= radix;
      }
      while (carry > 0) {
        digits[length++] = (byte) (carry % radix);
        carry /= radix;
      }
    }
    StringBuilder out = new StringBuilder(zeros + length);
    for (int i = 0; i < zeros; i++) {
      out.append(alphabet[0]);
    }
    for (int i = length - 1; i >= 0; i--) {
      out.append(alphabet[digits[i]]);
    }
    return out.toString();
  }

  /** Decodes text in this alphabet; {@code caseInsensitive} also accepts upper-case letters. */
  byte[] decode(CharSequence input, boolean caseInsensitive) {
    int zeros = 0;
    while (zeros < input.length() && input.charAt(zeros) == alphabet[0]) {
      zeros++;
    }
    byte[] bytes = new byte[(int) Math.ceil((input.length() - zeros) * bytesPerDigit) + 1];
    int length = 0;
    for (int i = zeros; i < input.length(); i++) {
      char c = input.charAt(i);
      // ASCII first: Character.toLowerCase maps KELVIN SIGN to 'k' and I WITH DOT ABOVE to 'i'.
      int digit = c < 128 ? indexes[caseInsensitive ? asciiLowerCase(c) : c] : -1;
      if (digit < 0) {
        throw new InvalidMultibaseException(
            String.format(
                Locale.ROOT,
                "invalid %s character '%c' (U+%04X) at index %d",
                name,
                c,
                (int) c,
                i));
      }
      int carry = digit;
      for (int j = 0; j < length; j++) {
        carry += (bytes[j] & 0xFF) * radix;
        bytes[j] = (byte) carry;
        carry >>>= 8;
      }
      while (carry > 0) {
        bytes[length++] = (byte) carry;
        carry >>>= 8;
      }
    }
    byte[] out = new byte[zeros + length];
    for (int i = 0; i < length; i++) {
      out[zeros + i] = bytes[length - 1 - i];
    }
    return out;
  }

  private static char asciiLowerCase(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
