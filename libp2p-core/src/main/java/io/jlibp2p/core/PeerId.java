package io.jlibp2p.core;

import io.jlibp2p.core.crypto.PublicKey;
import io.jlibp2p.core.multiformats.Cid;
import io.jlibp2p.core.multiformats.InvalidCidException;
import io.jlibp2p.core.multiformats.InvalidMultibaseException;
import io.jlibp2p.core.multiformats.InvalidMultihashException;
import io.jlibp2p.core.multiformats.Multibase;
import io.jlibp2p.core.multiformats.Multihash;
import java.util.Arrays;
import java.util.Optional;

/**
 * A peer's identity: the multihash of its serialized public key, per the <a
 * href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-id spec</a>.
 * Immutable; equal when the multihash bytes are, ordered by unsigned byte comparison (as go orders
 * them).
 *
 * <p>A key whose serialized form is 42 bytes or less (Ed25519, secp256k1) is inlined with the
 * identity multihash, so the ID carries the key; larger keys (RSA, ECDSA) are hashed with sha2-256.
 *
 * <pre>{@code
 * PeerId id = PeerId.fromPublicKey(key.publicKey());
 * String text = id.toString();                 // 12D3KooW... (base58)
 * PeerId same = PeerId.fromString(text);       // also accepts the bafz... CID form
 * }</pre>
 */
public final class PeerId implements Comparable<PeerId> {

  /** Serialized keys up to this many bytes are inlined rather than hashed. */
  public static final int MAX_INLINE_KEY_LENGTH = 42;

  private final byte[] bytes;
  private final Multihash multihash;

  private PeerId(Multihash multihash) {
    this.multihash = multihash;
    this.bytes = multihash.toBytes();
  }

  /** Derives the peer ID of {@code key}. */
  public static PeerId fromPublicKey(PublicKey key) {
    byte[] marshalled = key.marshal();
    Multihash.Type type =
        marshalled.length <= MAX_INLINE_KEY_LENGTH
            ? Multihash.Type.IDENTITY
            : Multihash.Type.SHA2_256;
    return new PeerId(Multihash.digest(type, marshalled));
  }

  /**
   * Decodes the binary form, a multihash.
   *
   * @throws InvalidPeerIdException if the bytes are not an identity or sha2-256 multihash
   */
  public static PeerId fromBytes(byte[] bytes) {
    Multihash multihash;
    try {
      multihash = Multihash.decode(bytes);
    } catch (InvalidMultihashException e) {
      throw new InvalidPeerIdException("peer ID is not a valid multihash: " + e.getMessage(), e);
    }
    return fromMultihash(multihash);
  }

  private static PeerId fromMultihash(Multihash multihash) {
    if (multihash.type() != Multihash.Type.IDENTITY
        && multihash.type() != Multihash.Type.SHA2_256) {
      throw new InvalidPeerIdException(
          "peer ID must be an identity or sha2-256 multihash, got " + multihash.type());
    }
    return new PeerId(multihash);
  }

  /**
   * Parses either text form: legacy base58btc ({@code Qm...}, {@code 1...}, {@code 12D3KooW...}) or
   * a {@code libp2p-key} CIDv1 in any multibase ({@code bafz...}).
   *
   * @throws InvalidPeerIdException if the text is neither
   */
  public static PeerId fromString(String text) {
    // The spec's rule: base58 multihashes start with 'Qm' (sha2-256) or '1' (identity).
    if (text.startsWith("Qm") || text.startsWith("1")) {
      try {
        return fromBytes(Multibase.BASE58BTC.decodeBare(text));
      } catch (InvalidMultibaseException e) {
        throw new InvalidPeerIdException(
            "peer ID \"" + text + "\" is not valid base58: " + e.getMessage(), e);
      }
    }
    Cid cid;
    try {
      cid = Cid.decode(text);
    } catch (InvalidCidException e) {
      throw new InvalidPeerIdException(
          "peer ID \"" + text + "\" is neither base58 (Qm..., 1...) nor a CID: " + e.getMessage(), e);
    }
    if (cid.codec() != Cid.LIBP2P_KEY) {
      throw new InvalidPeerIdException(
          "peer ID CID \"" + text + "\" has codec 0x" + Long.toHexString(cid.codec())
              + ", expected libp2p-key (0x72)");
    }
    return fromMultihash(cid.multihash());
  }

  /** The binary form: the multihash bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The multihash. */
  public Multihash multihash() {
    return multihash;
  }

  /** The legacy base58btc text form, which libp2p implementations display. */
  public String toBase58() {
    return Multibase.BASE58BTC.encodeBare(bytes);
  }

  /** The CIDv1 text form in base32: {@code bafz...}. */
  public String toCidString() {
    return Cid.of(Cid.LIBP2P_KEY, multihash).toString();
  }

  /**
   * The public key, when this ID inlines it (identity multihash).
   *
   * @throws io.jlibp2p.core.crypto.InvalidKeyFormatException if the inlined bytes are not a valid
   *     key
   */
  public Optional<PublicKey> publicKey() {
    if (multihash.type() != Multihash.Type.IDENTITY) {
      return Optional.empty();
    }
    return Optional.of(PublicKey.unmarshal(multihash.digest()));
  }

  /** Whether this is the peer ID of {@code key}. */
  public boolean matches(PublicKey key) {
    return equals(fromPublicKey(key));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(PeerId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** The base58btc form. */
  @Override
  public String toString() {
    return toBase58();
  }
}
