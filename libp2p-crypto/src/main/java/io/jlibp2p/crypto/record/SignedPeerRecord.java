package io.jlibp2p.crypto.record;

import io.jlibp2p.crypto.PrivateKey;
import java.util.Objects;

/**
 * A {@link PeerRecord} together with the verified envelope it came in, which is what gets stored
 * and passed on (the envelope's exact bytes, never a re-encoding).
 *
 * @param envelope the envelope, whose signature has been checked
 * @param record the record it holds, naming the envelope's signer
 */
public record SignedPeerRecord(Envelope envelope, PeerRecord record) {

  /** Checks for nulls only: instances come from {@link PeerRecord#open} or from sealing. */
  public SignedPeerRecord {
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(record, "record");
  }

  /** Signs {@code record} with {@code key} (the record's peer's). */
  public static SignedPeerRecord seal(PeerRecord record, PrivateKey key) {
    return new SignedPeerRecord(record.seal(key), record);
  }
}
