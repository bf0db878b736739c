package io.jlibp2p.crypto;

import static io.jlibp2p.testing.SpecRules.IDENTITY;
import static io.jlibp2p.testing.SpecRules.SHA2_256;

import io.jlibp2p.testing.SpecRules;
import io.jlibp2p.testing.SpecVerdict;
import io.jlibp2p.testing.SpecViolation;
import java.util.Arrays;

/**
 * The <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md">peer-id spec</a>'s
 * rules for peer IDs, written out a second time without the decoders of {@code
 * libp2p-multiformats}: the oracle that the randomized peer-ID test compares {@link PeerId} against.
 * A valid input's verdict carries the multihash bytes of the peer ID.
 *
 * <ul>
 *   <li>a peer ID is an identity multihash (any length) or a sha2-256 one (32 bytes): {@code
 *       <varint code><varint length><digest>}, varints minimal and at most 9 bytes, nothing after;
 *   <li>text that starts with {@code Qm} or {@code 1} is that multihash in base58btc;
 *   <li>other text is a multibase CIDv1: {@code <varint 1><varint 0x72 libp2p-key><multihash>}.
 * </ul>
 */
final class PeerIdSpecRules {

  private static final long LIBP2P_KEY = 0x72;

  private PeerIdSpecRules() {}

  /** The binary form: the multihash itself. */
  static SpecVerdict<byte[]> multihash(byte[] bytes) {
    return SpecVerdict.of(() -> requireMultihash(bytes));
  }

  /** The binary form of a peer-ID CID, which text of the second kind carries. */
  static SpecVerdict<byte[]> cid(byte[] bytes) {
    return SpecVerdict.of(() -> {
      SpecRules.CidParts cid = SpecRules.readCidV1(bytes, IDENTITY, SHA2_256);
      if (cid.codec() != LIBP2P_KEY) {
        throw new SpecViolation(
            "CID codec 0x" + Long.toHexString(cid.codec()) + " is not libp2p-key (0x72)");
      }
      return Arrays.copyOfRange(bytes, cid.multihash().start(), bytes.length);
    });
  }

  /** Text of the first kind; the caller has checked that it starts with {@code Qm} or {@code 1}. */
  static SpecVerdict<byte[]> base58(String text) {
    return SpecVerdict.of(() -> requireMultihash(SpecRules.bigNumber(text, SpecRules.BASE58BTC, false)));
  }

  private static byte[] requireMultihash(byte[] bytes) throws SpecViolation {
    SpecRules.requireEnd(bytes, SpecRules.readMultihash(bytes, 0, IDENTITY, SHA2_256).end(), "multihash");
    return bytes;
  }
}
