package io.jlibp2p.integration.hostile;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;

/**
 * The plaintext/2.0.0 Exchange by hand (<a
 * href="https://github.com/libp2p/specs/blob/master/plaintext/README.md">spec</a>): {@code
 * uvarint(len) || Exchange}, where {@code Exchange} is the protobuf {@code {1: id, 2: pubkey}}.
 */
final class PlaintextWire {

  static final String PROTOCOL_ID = "/plaintext/2.0.0";

  private PlaintextWire() {}

  /** The length-prefixed Exchange that proves nothing but names {@code identity}'s peer. */
  static byte[] exchange(PrivateKey identity) {
    byte[] id = PeerId.fromPublicKey(identity.publicKey()).toBytes();
    byte[] key = identity.publicKey().marshal();
    byte[] message = Wire.concat(
        new byte[] {0x0a}, Wire.uvarint(id.length), id,
        new byte[] {0x12}, Wire.uvarint(key.length), key);
    return Wire.concat(Wire.uvarint(message.length), message);
  }

  /** Reads (and discards) the remote's length-prefixed Exchange. */
  static void readExchange(InputStream in) throws IOException {
    long length = Wire.readUvarint(in);
    if (length > 16 * 1024) {
      throw new IOException("implausible plaintext Exchange length " + length);
    }
    Wire.readExactly(in, (int) length);
  }
}
