package io.jlibp2p.crypto;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * The <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-id spec</a>'s
 * rules for peer IDs, written out a second time without the decoders of {@code
 * libp2p-multiformats}: the oracle that the randomized peer-ID test compares {@link PeerId} against.
 *
 * <ul>
 *   <li>a peer ID is an identity multihash (any length) or a sha2-256 one (32 bytes): {@code
 *       <varint code><varint length><digest>}, varints minimal and at most 9 bytes, nothing after;
 *   <li>text that starts with {@code Qm} or {@code 1} is that multihash in base58btc;
 *   <li>other text is a multibase CIDv1: {@code <varint 1><varint 0x72 libp2p-key><multihash>}.
 * </ul>
 */
final class PeerIdSpecRules {

  static final String BASE58BTC = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  private PeerIdSpecRules() {}

  /** The spec's verdict: the multihash bytes of the peer ID, or the rule the input breaks. */
  record Verdict(byte[] multihash, String violation) {
    boolean valid() {
      return violation == null;
    }

    /** The failure message when a decoder's verdict on {@code input} is not this one. */
    String mismatch(String input) {
      return valid()
          ? input + " is valid by the spec, but the decoder rejected it"
          : input + " was accepted, but the spec rejects it: " + violation;
    }
  }

  private static final class Violation extends Exception {
    Violation(String rule) {
      super(rule, null, false, false);
    }
  }

  /** The binary form: the multihash itself. */
  static Verdict multihash(byte[] bytes) {
    try {
      requireEnd(bytes, readMultihash(bytes, 0), "multihash");
      return new Verdict(bytes, null);
    } catch (Violation v) {
      return new Verdict(null, v.getMessage());
    }
  }

  /** The binary form of a peer-ID CID, which text of the second kind carries. */
  static Verdict cid(byte[] bytes) {
    try {
      long[] version = readVarint(bytes, 0, "CID version");
      if (version[0] != 1) {
        throw new Violation("CID version " + version[0] + " is not 1");
      }
      long[] codec = readVarint(bytes, (int) version[1], "CID codec");
      if (codec[0] != 0x72) {
        throw new Violation("CID codec 0x" + Long.toHexString(codec[0]) + " is not libp2p-key (0x72)");
      }
      int start = (int) (version[1] + codec[1]);
      requireEnd(bytes, readMultihash(bytes, start), "CID");
      return new Verdict(Arrays.copyOfRange(bytes, start, bytes.length), null);
    } catch (Violation v) {
      return new Verdict(null, v.getMessage());
    }
  }

  /** Text of the first kind; the caller has checked that it starts with {@code Qm} or {@code 1}. */
  static Verdict base58(String text) {
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') {
      zeros++;
    }
    BigInteger value = BigInteger.ZERO;
    for (int i = zeros; i < text.length(); i++) {
      int digit = BASE58BTC.indexOf(text.charAt(i));
      if (digit < 0) {
        return new Verdict(null, "'" + text.charAt(i) + "' is not a base58btc character");
      }
      value = value.multiply(BigInteger.valueOf(58)).add(BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.signum() == 0 ? new byte[0] : value.toByteArray();
    if (magnitude.length > 0 && magnitude[0] == 0) {
      magnitude = Arrays.copyOfRange(magnitude, 1, magnitude.length);
    }
    byte[] bytes = new byte[zeros + magnitude.length];
    System.arraycopy(magnitude, 0, bytes, zeros, magnitude.length);
    return multihash(bytes);
  }

  /** @return the offset just past the digest */
  private static int readMultihash(byte[] bytes, int offset) throws Violation {
    long[] code = readVarint(bytes, offset, "multihash code");
    long[] length = readVarint(bytes, offset + (int) code[1], "multihash length");
    int start = offset + (int) (code[1] + length[1]);
    if (code[0] != 0x00 && code[0] != 0x12) {
      throw new Violation("multihash function 0x" + Long.toHexString(code[0])
          + " is neither identity nor sha2-256");
    }
    if (code[0] == 0x12 && length[0] != 32) {
      throw new Violation("a sha2-256 digest is 32 bytes, not " + length[0]);
    }
    if (length[0] > bytes.length - start) {
      throw new Violation("the digest is shorter than its declared " + length[0] + " bytes");
    }
    return start + (int) length[0];
  }

  private static void requireEnd(byte[] bytes, int end, String what) throws Violation {
    if (end != bytes.length) {
      throw new Violation(what + " followed by " + (bytes.length - end) + " byte(s)");
    }
  }

  /** {value, length} of a multiformats unsigned varint. */
  private static long[] readVarint(byte[] bytes, int offset, String what) throws Violation {
    long value = 0;
    for (int i = 0; i < 9; i++) {
      if (offset + i >= bytes.length) {
        throw new Violation("input ends inside the " + what + " varint");
      }
      int b = bytes[offset + i] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new Violation(what + " varint is not minimal");
        }
        return new long[] {value, i + 1};
      }
    }
    throw new Violation(what + " varint longer than 9 bytes");
  }
}
