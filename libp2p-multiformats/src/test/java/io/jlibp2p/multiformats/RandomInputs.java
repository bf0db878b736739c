package io.jlibp2p.multiformats;

import java.util.Arrays;
import java.util.Random;

/**
 * Random decoder inputs that are valid, or one mistake away from valid, so that a randomized test
 * reaches both verdicts instead of only the first check of the decoder. Whether an input is valid
 * is for {@link MultiformatsSpecRules} to say, never for this class.
 */
final class RandomInputs {

  /** Valid multihash codes that jlibp2p does not compute: md5, sha1, sha3-256, blake2b-256. */
  private static final long[] UNSUPPORTED_CODES = {0xd5, 0x11, 0x16, 0xb220};

  private RandomInputs() {}

  /** A multihash of a random function, usually with the digest length the function requires. */
  static byte[] multihash(Random random) {
    long code;
    int length;
    switch (random.nextInt(6)) {
      case 0, 1 -> {
        code = 0x00;
        // Past 127 the length varint takes two bytes.
        length = random.nextInt(random.nextBoolean() ? 8 : 200);
      }
      case 2 -> {
        code = 0x12;
        length = 32;
      }
      case 3 -> {
        code = 0x13;
        length = 64;
      }
      case 4 -> {
        code = UNSUPPORTED_CODES[random.nextInt(UNSUPPORTED_CODES.length)];
        length = random.nextInt(70);
      }
      default -> {
        code = random.nextBoolean() ? 0x12 : 0x13;
        length = random.nextInt(70);
      }
    }
    byte[] digest = new byte[length];
    random.nextBytes(digest);
    return ByteArrays.concat(UnsignedVarint.encode(code), UnsignedVarint.encode(length), digest);
  }

  /** {@code bytes} unchanged (a third of the time), cut short, extended, or with one byte changed. */
  static byte[] mutate(byte[] bytes, Random random) {
    byte[] out = bytes.clone();
    switch (random.nextInt(6)) {
      case 0, 1 -> {}
      case 2 -> {
        if (out.length > 0) {
          out = Arrays.copyOf(out, random.nextInt(out.length));
        }
      }
      case 3 -> {
        out = Arrays.copyOf(out, out.length + 1 + random.nextInt(3));
        for (int i = bytes.length; i < out.length; i++) {
          out[i] = (byte) random.nextInt(256);
        }
      }
      case 4 -> {
        if (out.length > 0) {
          out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      default -> {
        if (out.length > 0) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
      }
    }
    return out;
  }

  /** Random bytes, as the old garbage tests made them. */
  static byte[] bytes(Random random, int maxLength) {
    byte[] out = new byte[random.nextInt(maxLength)];
    random.nextBytes(out);
    return out;
  }
}
