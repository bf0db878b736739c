package io.jlibp2p.multiformats;

import io.netty.buffer.ByteBuf;

/**
 * The multiformats unsigned varint: LEB128, seven bits per byte, least significant group first,
 * the high bit set on every byte but the last.
 *
 * <p>Per the <a href="https://github.com/multiformats/unsigned-varint">spec</a>, a varint is at
 * most 9 bytes (63 bits) and must be minimally encoded: a final byte of {@code 0x00} after other
 * bytes is rejected, because two encodings of one value would let peers disagree about lengths
 * and hashes.
 */
public final class UnsignedVarint {

  /** The longest encoding the spec allows, in bytes. */
  public static final int MAX_LENGTH = 9;

  /** The largest value a 9-byte varint carries: 2^63 - 1. */
  public static final long MAX_VALUE = Long.MAX_VALUE;

  /**
   * Returned by {@link #readIfComplete(ByteBuf)} when the buffer holds only the start of a varint.
   */
  public static final long INCOMPLETE = -1;

  private UnsignedVarint() {}

  /** Returns how many bytes {@code value} takes when encoded. */
  public static int encodedLength(long value) {
    requireEncodable(value);
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  /** Encodes {@code value} into a new array. */
  public static byte[] encode(long value) {
    byte[] out = new byte[encodedLength(value)];
    write(value, out, 0);
    return out;
  }

  /**
   * Encodes {@code value} into {@code dst} at {@code offset}.
   *
   * @return the number of bytes written
   */
  public static int write(long value, byte[] dst, int offset) {
    requireEncodable(value);
    int i = offset;
    while ((value & ~0x7FL) != 0) {
      dst[i++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    dst[i++] = (byte) value;
    return i - offset;
  }

  /** Appends the encoding of {@code value} to {@code dst}. */
  public static void write(long value, ByteBuf dst) {
    requireEncodable(value);
    while ((value & ~0x7FL) != 0) {
      dst.writeByte((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    dst.writeByte((int) value);
  }

  /**
   * Decodes an array that holds exactly one varint and nothing else.
   *
   * @throws InvalidVarintException if the array is empty, truncated, too long, not minimal, or has
   *     bytes after the varint
   */
  public static long decode(byte[] src) {
    long value = read(src, 0);
    int trailing = src.length - encodedLength(value);
    if (trailing != 0) {
      throw new InvalidVarintException(
          "varint followed by " + trailing + " unexpected trailing byte(s)");
    }
    return value;
  }

  /**
   * Reads one varint from {@code src} at {@code offset}.
   *
   * @return the decoded value; {@link #encodedLength(long)} of it is the number of bytes consumed,
   *     because only minimal encodings are accepted
   * @throws InvalidVarintException if the bytes are truncated, too long, or not minimal
   */
  public static long read(byte[] src, int offset) {
    if (offset < 0 || offset > src.length) {
      throw new IllegalArgumentException("offset " + offset + " outside array of " + src.length);
    }
    long value = 0;
    for (int i = 0; i < MAX_LENGTH; i++) {
      if (offset + i >= src.length) {
        throw new InvalidVarintException("truncated varint: input ended after " + i + " byte(s)");
      }
      int b = src[offset + i] & 0xFF;
      value = accumulate(value, b, i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw tooLong();
  }

  /**
   * Reads one varint from the readable bytes of {@code src}, advancing its reader index.
   *
   * @throws InvalidVarintException if the buffer ends inside the varint, or the varint is too long
   *     or not minimal; the reader index is then left where it was
   */
  public static long read(ByteBuf src) {
    long value = readIfComplete(src);
    if (value == INCOMPLETE) {
      throw new InvalidVarintException(
          "truncated varint: input ended after " + src.readableBytes() + " byte(s)");
    }
    return value;
  }

  /**
   * Reads one varint if {@code src} holds all of it, for stream decoders that wait for more bytes.
   *
   * @return the value, advancing the reader index past it; or {@link #INCOMPLETE} when the buffer
   *     ends inside the varint, leaving the reader index unchanged
   * @throws InvalidVarintException if the bytes can never form a valid varint (too long, not
   *     minimal); the reader index is unchanged
   */
  public static long readIfComplete(ByteBuf src) {
    int start = src.readerIndex();
    int available = src.readableBytes();
    long value = 0;
    for (int i = 0; i < MAX_LENGTH; i++) {
      if (i >= available) {
        return INCOMPLETE;
      }
      int b = src.getUnsignedByte(start + i);
      value = accumulate(value, b, i);
      if ((b & 0x80) == 0) {
        src.readerIndex(start + i + 1);
        return value;
      }
    }
    throw tooLong();
  }

  private static long accumulate(long value, int b, int index) {
    if (index > 0 && b == 0) {
      throw new InvalidVarintException(
          "varint is not minimally encoded: byte " + index + " is a trailing zero");
    }
    return value | ((long) (b & 0x7F) << (7 * index));
  }

  private static InvalidVarintException tooLong() {
    return new InvalidVarintException(
        "varint longer than " + MAX_LENGTH + " bytes (the multiformats maximum)");
  }

  private static void requireEncodable(long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "cannot encode " + Long.toUnsignedString(value) + ": varints carry at most 63 bits");
    }
  }
}
