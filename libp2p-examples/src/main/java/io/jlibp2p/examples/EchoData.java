package io.jlibp2p.examples;

import java.util.Arrays;

/** What the echo command sends: the bytes at any offset, generated rather than stored. */
interface EchoData {

  /** The {@code length} bytes from {@code offset}. */
  byte[] chunk(long offset, int length);

  /** A text message, sent as its UTF-8 bytes. */
  static EchoData of(byte[] message) {
    return (offset, length) -> Arrays.copyOfRange(message, (int) offset, (int) offset + length);
  }

  /**
   * The test pattern the js interop peer uses too: byte {@code i} is {@code (i*31 + 7 + (i>>>8)*13
   * + (i>>>16)*101) & 0xff}, so a reordered or repeated block shows. Within each 64 KiB block it
   * is a fixed table plus {@code block*101}, which is how it is generated.
   */
  static EchoData pattern() {
    byte[] table = new byte[1 << 16];
    for (int j = 0; j < table.length; j++) {
      table[j] = (byte) (j * 31 + 7 + (j >>> 8) * 13);
    }
    return (offset, length) -> {
      byte[] out = new byte[length];
      for (int k = 0; k < length; k++) {
        long i = offset + k;
        out[k] = (byte) (table[(int) (i & 0xffff)] + (i >>> 16) * 101);
      }
      return out;
    };
  }
}
