package io.jlibp2p.integration.hostile;

import io.jlibp2p.multiformats.UnsignedVarint;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Byte-level helpers the hand-built frames share: unsigned varints (multiformats) and exact reads
 * from a blocking stream. Deliberately independent of the codecs under test, apart from {@link
 * UnsignedVarint}'s encoder, whose spec vectors are tested in its own module.
 */
final class Wire {

  private Wire() {}

  /** {@code value} as a minimal unsigned varint. */
  static byte[] uvarint(long value) {
    return UnsignedVarint.encode(value);
  }

  /** The concatenation of {@code parts}. */
  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Reads an unsigned varint of at most 9 bytes; fails at end of stream. */
  static long readUvarint(InputStream in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("end of stream inside a varint");
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint longer than 9 bytes");
  }

  /** Reads exactly {@code length} bytes; fails at end of stream. */
  static byte[] readExactly(InputStream in, int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException("end of stream after " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }
}
