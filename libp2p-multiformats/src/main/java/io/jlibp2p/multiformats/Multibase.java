package io.jlibp2p.multiformats;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Multibase: a base encoding announced by its first character, per the <a
 * href="https://github.com/multiformats/multibase">multibase spec</a>.
 *
 * <p>The encodings libp2p uses are here: {@code z} for legacy peer IDs, {@code b} for CIDs, {@code
 * u} for certificate hashes, {@code k} for IPNS keys. None is padded.
 *
 * <pre>{@code
 * String text = Multibase.BASE32.encode(bytes);   // "b..."
 * byte[] back = Multibase.decode(text);           // any supported prefix
 * }</pre>
 */
public enum Multibase {
  /** Lower-case hexadecimal, prefix {@code f}. Decoding accepts either case. */
  BASE16('f'),
  /** Upper-case hexadecimal, prefix {@code F}. Decoding accepts either case. */
  BASE16_UPPER('F'),
  /**
   * RFC 4648 base32, lower case, no padding, prefix {@code b}: the default for CIDs. Decoding
   * accepts either case.
   */
  BASE32('b'),
  /** RFC 4648 base32, upper case, no padding, prefix {@code B}. Decoding accepts either case. */
  BASE32_UPPER('B'),
  /** Base36, lower case, prefix {@code k}: used for IPNS keys. Decoding accepts either case. */
  BASE36('k'),
  /** Base36, upper case, prefix {@code K}. Decoding accepts either case. */
  BASE36_UPPER('K'),
  /** Base58 with the Bitcoin alphabet, prefix {@code z}. */
  BASE58BTC('z'),
  /** RFC 4648 base64, no padding, prefix {@code m}. */
  BASE64('m'),
  /** RFC 4648 base64 with the URL-safe alphabet, no padding, prefix {@code u}. */
  BASE64URL('u');

  private final char prefix;

  Multibase(char prefix) {
    this.prefix = prefix;
  }

  /** The character that announces this encoding. */
  public char prefix() {
    return prefix;
  }

  /** Encodes {@code data} and prepends this encoding's prefix. */
  public String encode(byte[] data) {
    return prefix + encodeBare(data);
  }

  /** Encodes {@code data} without the prefix. */
  public String encodeBare(byte[] data) {
    return switch (this) {
      case BASE16 -> HexFormat.of().formatHex(data);
      case BASE16_UPPER -> HexFormat.of().withUpperCase().formatHex(data);
      case BASE32 -> Base32.encode(data, false);
      case BASE32_UPPER -> Base32.encode(data, true);
      case BASE36 -> RadixEncoding.BASE36.encode(data);
      case BASE36_UPPER -> RadixEncoding.BASE36.encode(data).toUpperCase(Locale.ROOT);
      case BASE58BTC -> RadixEncoding.BASE58BTC.encode(data);
      case BASE64 -> Base64.getEncoder().withoutPadding().encodeToString(data);
      case BASE64URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(data);
    };
  }

  /**
   * Decodes text in this encoding that has no prefix.
   *
   * @throws InvalidMultibaseException if a character is outside the alphabet or the length is
   *     impossible for the encoding
   */
  public byte[] decodeBare(String text) {
    try {
      return switch (this) {
        case BASE16, BASE16_UPPER -> decodeHex(text);
        case BASE32, BASE32_UPPER -> Base32.decode(text);
        case BASE36, BASE36_UPPER -> RadixEncoding.BASE36.decode(text, true);
        case BASE58BTC -> RadixEncoding.BASE58BTC.decode(text, false);
        case BASE64 -> decodeBase64(text, Base64.getDecoder());
        case BASE64URL -> decodeBase64(text, Base64.getUrlDecoder());
      };
    } catch (InvalidMultibaseException e) {
      throw new InvalidMultibaseException(name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
    }
  }

  /**
   * Decodes multibase text, choosing the encoding by its first character.
   *
   * @throws InvalidMultibaseException if the text is empty, its prefix is not a supported encoding,
   *     or the rest does not decode
   */
  public static byte[] decode(String text) {
    return forPrefixOf(text).decodeBare(text.substring(1));
  }

  /**
   * Returns the encoding that {@code text} announces with its first character.
   *
   * @throws InvalidMultibaseException if the text is empty or the prefix is not supported
   */
  public static Multibase forPrefixOf(String text) {
    if (text.isEmpty()) {
      throw new InvalidMultibaseException("empty multibase string has no prefix");
    }
    char prefix = text.charAt(0);
    for (Multibase base : values()) {
      if (base.prefix == prefix) {
        return base;
      }
    }
    throw new InvalidMultibaseException("unsupported multibase prefix '" + prefix + "'");
  }

  private static byte[] decodeHex(String text) {
    if (text.length() % 2 != 0) {
      throw new InvalidMultibaseException("odd number of hex digits: " + text.length());
    }
    try {
      return HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidMultibaseException(e.getMessage());
    }
  }

  private static byte[] decodeBase64(String text, Base64.Decoder decoder) {
    // Java's decoder also accepts padding; multibase m and u are defined without it.
    if (text.indexOf('=') >= 0) {
      throw new InvalidMultibaseException("unexpected padding character '='");
    }
    try {
      return decoder.decode(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidMultibaseException(e.getMessage());
    }
  }
}
