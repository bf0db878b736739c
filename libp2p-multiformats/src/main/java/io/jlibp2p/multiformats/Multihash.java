package io.jlibp2p.multiformats;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A self-describing hash: {@code <varint function code><varint digest length><digest>}, per the <a
 * href="https://github.com/multiformats/multihash">multihash spec</a>. Immutable.
 *
 * <p>Peer IDs are multihashes: the identity function inlines a small public key, sha2-256 hashes a
 * larger one.
 *
 * <pre>{@code
 * Multihash hash = Multihash.digest(Multihash.Type.SHA2_256, data);
 * byte[] wire = hash.toBytes();
 * boolean ok = Multihash.decode(wire).verify(data);
 * }</pre>
 */
public final class Multihash {

  /** The hash functions jlibp2p supports, with their multicodec codes. */
  public enum Type {
    /** No hashing: the digest is the data itself. Code {@code 0x00}. */
    IDENTITY(0x00, -1, null),
    /** SHA-256, 32-byte digest. Code {@code 0x12}. */
    SHA2_256(0x12, 32, "SHA-256"),
    /** SHA-512, 64-byte digest. Code {@code 0x13}. */
    SHA2_512(0x13, 64, "SHA-512");

    private final int code;
    private final int digestLength;
    private final String jcaName;

    Type(int code, int digestLength, String jcaName) {
      this.code = code;
      this.digestLength = digestLength;
      this.jcaName = jcaName;
    }

    /** The multicodec code of this function. */
    public int code() {
      return code;
    }

    /** Returns the function with {@code code}, or throws if jlibp2p does not support it. */
    public static Type forCode(long code) {
      for (Type type : values()) {
        if (type.code == code) {
          return type;
        }
      }
      throw new InvalidMultihashException(
          "unsupported multihash function code 0x" + Long.toHexString(code)
              + " (supported: identity 0x00, sha2-256 0x12, sha2-512 0x13)");
    }

    byte[] hash(byte[] data) {
      if (jcaName == null) {
        return data.clone();
      }
      try {
        return MessageDigest.getInstance(jcaName).digest(data);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK provides " + jcaName, e);
      }
    }
  }

  private final Type type;
  private final byte[] digest;

  private Multihash(Type type, byte[] digest) {
    this.type = type;
    this.digest = digest;
  }

  /** Hashes {@code data} with {@code type}. */
  public static Multihash digest(Type type, byte[] data) {
    return new Multihash(type, type.hash(data));
  }

  /**
   * Wraps a digest that was already computed.
   *
   * @throws InvalidMultihashException if the digest length does not match the function
   */
  public static Multihash of(Type type, byte[] digest) {
    requireDigestLength(type, digest.length);
    return new Multihash(type, digest.clone());
  }

  /**
   * Decodes the binary form, which must hold exactly one multihash.
   *
   * @throws InvalidMultihashException if the input is truncated, has trailing bytes, names an
   *     unsupported function, or has a digest of the wrong length
   */
  public static Multihash decode(byte[] bytes) {
    ByteReader reader = new ByteReader(bytes, InvalidMultihashException::new);
    Multihash hash = read(reader);
    reader.requireEnd("multihash");
    return hash;
  }

  /**
   * Checks that {@code bytes} is one structurally valid multihash, {@code <code><length><digest>},
   * of any hash function, including ones jlibp2p cannot compute (certificate hashes may use them).
   *
   * @throws InvalidMultihashException if it is truncated or has trailing bytes
   */
  static void requireWellFormed(byte[] bytes) {
    ByteReader reader = new ByteReader(bytes, InvalidMultihashException::new);
    reader.readVarint("multihash function code");
    int length = reader.readLength("multihash digest");
    reader.readBytes(length, "multihash digest");
    reader.requireEnd("multihash");
  }

  /** Reads one multihash from {@code reader}, leaving any bytes after it. */
  static Multihash read(ByteReader reader) {
    Type type = Type.forCode(reader.readVarint("multihash function code"));
    int length = reader.readLength("multihash digest");
    requireDigestLength(type, length);
    return new Multihash(type, reader.readBytes(length, "multihash digest"));
  }

  private static void requireDigestLength(Type type, int length) {
    if (type.digestLength >= 0 && length != type.digestLength) {
      throw new InvalidMultihashException(
          type.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " digest must be "
              + type.digestLength + " bytes, got " + length);
    }
  }

  /** The hash function. */
  public Type type() {
    return type;
  }

  /** A copy of the digest. */
  public byte[] digest() {
    return digest.clone();
  }

  /** The length of the digest in bytes. */
  public int digestLength() {
    return digest.length;
  }

  /** The binary form: code, length, digest. */
  public byte[] toBytes() {
    return ByteArrays.concat(
        UnsignedVarint.encode(type.code), UnsignedVarint.encode(digest.length), digest);
  }

  /** Whether this is the hash of {@code data}, compared in constant time. */
  public boolean verify(byte[] data) {
    return MessageDigest.isEqual(digest, type.hash(data));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash other && type == other.type && Arrays.equals(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + Arrays.hashCode(digest);
  }

  /** The base58btc form of the binary encoding, as peer IDs print. */
  @Override
  public String toString() {
    return RadixEncoding.BASE58BTC.encode(toBytes());
  }
}
