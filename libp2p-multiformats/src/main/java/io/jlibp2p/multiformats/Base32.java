package io.jlibp2p.multiformats;

import java.util.Arrays;

/** RFC 4648 base32 without padding, in the lower- or upper-case alphabet. */
final class Base32 {

  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz234567";
  private static final int[] INDEXES = indexes(LOWER);

  private Base32() {}

  static String encode(byte[] input, boolean upperCase) {
    String alphabet = upperCase ? LOWER.toUpperCase(java.util.Locale.ROOT) : LOWER;
    StringBuilder out = new StringBuilder((input.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : input) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /** Decodes either case, as the multibase spec's case-insensitivity tests require. */
  static byte[] decode(CharSequence input) {
    int remainder = input.length() % 8;
    if (remainder == 1 || remainder == 3 || remainder == 6) {
      throw new InvalidMultibaseException(
          "base32 input of " + input.length() + " characters cannot be unpadded base32");
    }
    byte[] out = new byte[input.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int length = 0;
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      int value = c < 128 ? INDEXES[Character.toLowerCase(c)] : -1;
      if (value < 0) {
        throw new InvalidMultibaseException("invalid base32 character '" + c + "' at index " + i);
      }
      buffer = (buffer << 5) | value;
      bits += 5;
      if (bits >= 8) {
        out[length++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }

  private static int[] indexes(String alphabet) {
    int[] indexes = new int[128];
    Arrays.fill(indexes, -1);
    for (int i = 0; i < alphabet.length(); i++) {
      indexes[alphabet.charAt(i)] = i;
    }
    return indexes;
  }
}
