package io.jlibp2p.crypto;

import io.jlibp2p.multiformats.Cid;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrComponent;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.multiformats.Multihash;
import io.jlibp2p.multiformats.PeerIdText;
import java.util.Arrays;
import java.util.List;
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
  /**
   * The base58 text, made on first use: logs and messages print peer IDs often, and base58 is a
   * big-number division per character. A race makes it twice, to the same string.
   */
  private String base58;

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
    try {
      return new PeerId(PeerIdText.requireValid(bytes));
    } catch (DecodingException e) {
      throw new InvalidPeerIdException("peer ID is not a valid multihash: " + e.getMessage(), e);
    }
  }

  /**
   * Parses either text form: legacy base58btc ({@code Qm...}, {@code 1...}, {@code 12D3KooW...}) or
   * a {@code libp2p-key} CIDv1 in any multibase ({@code bafz...}).
   *
   * @throws InvalidPeerIdException if the text is neither
   */
  public static PeerId fromString(String text) {
    try {
      return new PeerId(PeerIdText.decode(text));
    } catch (DecodingException e) {
      throw new InvalidPeerIdException(e.getMessage(), e);
    }
  }

  /**
   * The peer ID of the last {@code /p2p/} component of {@code address}: the peer it reaches. In a
   * relay address ({@code .../p2p/relay/p2p-circuit/p2p/target}) that is the target.
   */
  public static Optional<PeerId> fromMultiaddr(Multiaddr address) {
    // A parsed multiaddr has checked its /p2p value already, so this cannot fail.
    return address.last(MultiaddrProtocol.P2P).map(component -> fromBytes(component.value()));
  }

  /**
   * Returns {@code address} ending in {@code /p2p/<this>}: unchanged if it already ends with this
   * peer ID, otherwise with the component appended.
   *
   * @throws IllegalArgumentException if it already ends with a different peer ID
   */
  public Multiaddr appendTo(Multiaddr address) {
    MultiaddrComponent p2p = MultiaddrComponent.ofBytes(MultiaddrProtocol.P2P, bytes);
    List<MultiaddrComponent> components = address.components();
    if (!components.isEmpty()) {
      MultiaddrComponent last = components.get(components.size() - 1);
      if (last.equals(p2p)) {
        return address;
      }
      if (last.protocol() == MultiaddrProtocol.P2P) {
        throw new IllegalArgumentException(address + " already ends with a different peer ID than " + this);
      }
    }
    return address.encapsulate(Multiaddr.of(p2p));
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
    String text = base58;
    if (text == null) {
      text = PeerIdText.encode(bytes);
      base58 = text;
    }
    return text;
  }

  /** The CIDv1 text form in base32: {@code bafz...}. */
  public String toCidString() {
    return Cid.of(Cid.LIBP2P_KEY, multihash).toString();
  }

  /**
   * The public key, when this ID inlines it (identity multihash).
   *
   * @throws io.jlibp2p.crypto.InvalidKeyFormatException if the inlined bytes are not a valid
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
