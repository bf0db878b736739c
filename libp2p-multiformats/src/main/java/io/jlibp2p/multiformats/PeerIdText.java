package io.jlibp2p.multiformats;

/**
 * The multihash inside a peer ID, and its text forms, per the <a
 * href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#string-representation">peer-id
 * spec</a>: a bare base58btc multihash ({@code Qm...}, {@code 1...}, {@code 12D3KooW...}) or a
 * {@code libp2p-key} CIDv1 in any multibase ({@code bafz...}).
 *
 * <p>This is the part of a peer ID that multiaddr's {@code /p2p} component needs; {@code
 * io.jlibp2p.crypto.PeerId} (in {@code libp2p-crypto}) builds on it, with the keys.
 */
public final class PeerIdText {

  private PeerIdText() {}

  /**
   * Checks the binary form of a peer ID: an identity or sha2-256 multihash.
   *
   * @throws InvalidMultihashException otherwise
   */
  public static Multihash requireValid(byte[] bytes) {
    Multihash multihash = Multihash.decode(bytes);
    requireValidType(multihash);
    return multihash;
  }

  /**
   * Decodes either text form into the multihash.
   *
   * @throws DecodingException (an {@link InvalidMultibaseException}, {@link InvalidCidException}
   *     or {@link InvalidMultihashException}) if the text is neither, with a message that says which
   */
  public static Multihash decode(String text) {
    // The spec's rule: base58 multihashes start with 'Qm' (sha2-256) or '1' (identity).
    if (text.startsWith("Qm") || text.startsWith("1")) {
      byte[] bytes;
      try {
        bytes = Multibase.BASE58BTC.decodeBare(text);
      } catch (InvalidMultibaseException e) {
        throw new InvalidMultibaseException("peer ID \"" + text + "\" is not valid base58: " + e.getMessage(), e);
      }
      try {
        return requireValid(bytes);
      } catch (InvalidMultihashException e) {
        throw new InvalidMultihashException("peer ID \"" + text + "\" is not a valid multihash: " + e.getMessage(), e);
      }
    }
    Cid cid;
    try {
      cid = Cid.decode(text);
    } catch (InvalidCidException e) {
      throw new InvalidCidException(
          "peer ID \"" + text + "\" is neither base58 (Qm..., 1...) nor a CID: " + e.getMessage(), e);
    }
    if (cid.codec() != Cid.LIBP2P_KEY) {
      throw new InvalidCidException(
          "peer ID CID \"" + text + "\" has codec 0x" + Long.toHexString(cid.codec())
              + ", expected libp2p-key (0x72)");
    }
    try {
      requireValidType(cid.multihash());
    } catch (InvalidMultihashException e) {
      throw new InvalidMultihashException("peer ID CID \"" + text + "\": " + e.getMessage(), e);
    }
    return cid.multihash();
  }

  /** The legacy base58btc text form of a peer ID's bytes, which libp2p implementations display. */
  public static String encode(byte[] bytes) {
    return Multibase.BASE58BTC.encodeBare(bytes);
  }

  private static void requireValidType(Multihash multihash) {
    if (multihash.type() != Multihash.Type.IDENTITY && multihash.type() != Multihash.Type.SHA2_256) {
      throw new InvalidMultihashException(
          "peer ID must be an identity or sha2-256 multihash, got " + multihash.type());
    }
  }
}
