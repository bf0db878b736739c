package io.jlibp2p.multiformats;

import java.util.Objects;

/**
 * A version 1 content identifier: {@code <varint 1><varint codec><multihash>}, per the <a
 * href="https://github.com/multiformats/cid">CID spec</a>.
 *
 * <p>jlibp2p needs CIDs only to print and parse peer IDs in the {@code libp2p-key} form ({@code
 * bafz...}), so this supports version 1 only; version 0 is a bare base58 multihash, which {@code
 * io.jlibp2p.crypto.PeerId} parses directly.
 */
public final class Cid {

  /** The multicodec code for a libp2p public key, used by peer-ID CIDs. */
  public static final long LIBP2P_KEY = 0x72;

  private static final long VERSION_1 = 1;

  private final long codec;
  private final Multihash multihash;

  private Cid(long codec, Multihash multihash) {
    this.codec = codec;
    this.multihash = multihash;
  }

  /** Creates a version 1 CID. */
  public static Cid of(long codec, Multihash multihash) {
    if (codec < 0) {
      throw new IllegalArgumentException("codec must be a non-negative varint value: " + codec);
    }
    return new Cid(codec, Objects.requireNonNull(multihash, "multihash"));
  }

  /**
   * Parses the multibase text form.
   *
   * @throws InvalidCidException if the text is not multibase, or the bytes are not a CIDv1
   */
  public static Cid decode(String text) {
    byte[] bytes;
    try {
      bytes = Multibase.decode(text);
    } catch (InvalidMultibaseException e) {
      throw new InvalidCidException("CID is not valid multibase: " + e.getMessage(), e);
    }
    return decode(bytes);
  }

  /**
   * Decodes the binary form.
   *
   * @throws InvalidCidException if the version is not 1, or the codec or multihash is malformed
   */
  public static Cid decode(byte[] bytes) {
    ByteReader reader = new ByteReader(bytes, InvalidCidException::new);
    long version = reader.readVarint("CID version");
    if (version != VERSION_1) {
      throw new InvalidCidException(
          "unsupported CID version " + version + " (only CIDv1 is supported)");
    }
    long codec = reader.readVarint("CID codec");
    Multihash multihash;
    try {
      multihash = Multihash.read(reader);
    } catch (InvalidMultihashException e) {
      throw new InvalidCidException("CID has a malformed multihash: " + e.getMessage(), e);
    }
    reader.requireEnd("CID");
    return new Cid(codec, multihash);
  }

  /** The multicodec of the content, {@link #LIBP2P_KEY} for peer IDs. */
  public long codec() {
    return codec;
  }

  /** The hash of the content. */
  public Multihash multihash() {
    return multihash;
  }

  /** The binary form. */
  public byte[] toBytes() {
    return ByteArrays.concat(
        UnsignedVarint.encode(VERSION_1), UnsignedVarint.encode(codec), multihash.toBytes());
  }

  /** The text form in {@code base}. */
  public String toString(Multibase base) {
    return base.encode(toBytes());
  }

  /** The text form in base32, the default for CIDv1. */
  @Override
  public String toString() {
    return toString(Multibase.BASE32);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cid other && codec == other.codec && multihash.equals(other.multihash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(codec) * 31 + multihash.hashCode();
  }
}
