package io.jlibp2p.multiformats;

/** Joins the parts of a binary multiformat encoding. */
final class ByteArrays {

  private ByteArrays() {}

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }
}
