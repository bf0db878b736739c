package io.jlibp2p.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * The byte-level rules that several specs' oracles share, written out from the specs a second
 * time, as plainly as possible: varints, multihashes, CIDv1 and base-N numbers. Each module's
 * randomized decoder tests build their oracle from these; nothing here calls, or may call, the
 * decoders under test. A rule here that disagrees with a decoder is a finding, not something to
 * tune.
 *
 * <ul>
 *   <li><a href="https://github.com/multiformats/unsigned-varint">unsigned-varint</a>: at most 9
 *       bytes, minimal (no final {@code 0x00} after other bytes); protobuf's deterministic encoding
 *       writes its varints the same way, in at most 10 bytes;
 *   <li><a href="https://github.com/multiformats/multihash">multihash</a>: {@code <varint
 *       code><varint length><digest>}; a sha2-256 digest is 32 bytes, a sha2-512 one 64;
 *   <li><a href="https://github.com/multiformats/cid">CIDv1</a>: {@code <varint 1><varint
 *       codec><multihash>};
 *   <li><a href="https://github.com/multiformats/multibase">multibase</a>'s base36 and base58btc:
 *       a big-endian number in the alphabet, each leading zero digit standing for a zero byte.
 * </ul>
 */
public final class SpecRules {

  public static final String BASE58BTC = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** Multihash function codes (the multicodec table). */
  public static final long IDENTITY = 0x00;
  public static final long SHA2_256 = 0x12;
  public static final long SHA2_512 = 0x13;

  private SpecRules() {}

  /** A varint's value and how many bytes it took. */
  public record Varint(long value, int length) {}

  /**
   * A multihash as the spec reads it, from {@code start}, the offset of its code, to {@code end},
   * the offset just past its digest.
   */
  public record MultihashParts(long code, byte[] digest, int start, int end) {}

  /** A CIDv1 as the spec reads it: its content codec and its multihash. */
  public record CidParts(long codec, MultihashParts multihash) {}

  /** An unsigned-varint at {@code offset}: minimal and at most 9 bytes. */
  public static Varint readUvarint(byte[] bytes, int offset, String what) throws SpecViolation {
    return readVarint(bytes, offset, what, 9);
  }

  /** A varint of protobuf's deterministic encoding at {@code offset}: minimal and at most 10 bytes. */
  public static Varint readProtobufVarint(byte[] bytes, int offset, String what) throws SpecViolation {
    return readVarint(bytes, offset, what, 10);
  }

  /** The minimal varint of a non-negative {@code value}, as unsigned-varint and protobuf write it. */
  public static byte[] varint(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative: " + value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (value >= 0x80) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return out.toByteArray();
  }

  /**
   * The multihash at {@code offset}, which must use one of {@code functions} and carry the whole
   * digest it declares (for identity, any length).
   */
  public static MultihashParts readMultihash(byte[] bytes, int offset, long... functions)
      throws SpecViolation {
    Varint code = readUvarint(bytes, offset, "multihash code");
    if (Arrays.stream(functions).noneMatch(f -> f == code.value())) {
      throw new SpecViolation(
          "multihash function 0x" + Long.toHexString(code.value()) + " is not one allowed here");
    }
    Varint length = readUvarint(bytes, offset + code.length(), "multihash length");
    int digestStart = offset + code.length() + length.length();
    long required = code.value() == SHA2_256 ? 32 : code.value() == SHA2_512 ? 64 : -1;
    if (required >= 0 && length.value() != required) {
      throw new SpecViolation("a digest of function 0x" + Long.toHexString(code.value()) + " is "
          + required + " bytes, not " + length.value());
    }
    if (length.value() > bytes.length - digestStart) {
      throw new SpecViolation("the digest is shorter than its declared " + length.value() + " bytes");
    }
    int end = digestStart + (int) length.value();
    return new MultihashParts(code.value(), Arrays.copyOfRange(bytes, digestStart, end), offset, end);
  }

  /** A CIDv1 that is the whole of {@code bytes}, its multihash using one of {@code functions}. */
  public static CidParts readCidV1(byte[] bytes, long... functions) throws SpecViolation {
    Varint version = readUvarint(bytes, 0, "CID version");
    if (version.value() != 1) {
      throw new SpecViolation("CID version " + version.value() + " is not 1");
    }
    Varint codec = readUvarint(bytes, version.length(), "CID codec");
    MultihashParts multihash = readMultihash(bytes, version.length() + codec.length(), functions);
    requireEnd(bytes, multihash.end(), "CID");
    return new CidParts(codec.value(), multihash);
  }

  /** Nothing may follow {@code what}, which ends at {@code end}. */
  public static void requireEnd(byte[] bytes, int end, String what) throws SpecViolation {
    if (end != bytes.length) {
      throw new SpecViolation(what + " followed by " + (bytes.length - end) + " byte(s)");
    }
  }

  /**
   * The bytes of a big number written in {@code alphabet} (base36, base58btc), each leading zero
   * digit standing for a zero byte.
   *
   * @param anyCase whether a letter may also be written in the other case
   */
  public static byte[] bigNumber(String text, String alphabet, boolean anyCase) throws SpecViolation {
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == alphabet.charAt(0)) {
      zeros++;
    }
    BigInteger value = BigInteger.ZERO;
    BigInteger radix = BigInteger.valueOf(alphabet.length());
    for (int i = zeros; i < text.length(); i++) {
      value = value.multiply(radix).add(BigInteger.valueOf(digit(text.charAt(i), alphabet, anyCase)));
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    if (magnitude.length > 0 && magnitude[0] == 0) {
      magnitude = Arrays.copyOfRange(magnitude, 1, magnitude.length); // BigInteger's sign byte
    }
    byte[] out = new byte[zeros + magnitude.length];
    System.arraycopy(magnitude, 0, out, zeros, magnitude.length);
    return out;
  }

  /**
   * The value of {@code c} in {@code alphabet}.
   *
   * @param anyCase whether an ASCII capital stands for its lower-case letter
   */
  public static int digit(char c, String alphabet, boolean anyCase) throws SpecViolation {
    // Only ASCII letters have a second case here: the alphabets are ASCII, and so is their text.
    char folded = anyCase && c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    int value = alphabet.indexOf(folded);
    if (value < 0) {
      throw new SpecViolation("character '" + c + "' (U+" + String.format("%04X", (int) c)
          + ") is not in the alphabet");
    }
    return value;
  }

  private static Varint readVarint(byte[] bytes, int offset, String what, int maxBytes)
      throws SpecViolation {
    long value = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (offset + i >= bytes.length) {
        throw new SpecViolation("input ends inside the " + what + " varint");
      }
      int b = bytes[offset + i] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new SpecViolation(what + " varint is not minimal");
        }
        return new Varint(value, i + 1);
      }
    }
    throw new SpecViolation(what + " varint longer than " + maxBytes + " bytes");
  }
}
