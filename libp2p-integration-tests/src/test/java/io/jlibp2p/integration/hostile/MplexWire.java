package io.jlibp2p.integration.hostile;

/**
 * mplex frames by hand (<a href="https://github.com/libp2p/specs/blob/master/mplex/README.md">spec</a>,
 * "Message format"): {@code uvarint(streamId << 3 | flag) || uvarint(length) || body}. The
 * constants repeat libp2p-mplex's internal {@code MplexFlag} and {@code MplexFrame}.
 */
final class MplexWire {

  static final String PROTOCOL_ID = "/mplex/6.7.0";

  static final int NEW_STREAM = 0;
  static final int MESSAGE_RECEIVER = 1;
  static final int MESSAGE_INITIATOR = 2;
  static final int CLOSE_RECEIVER = 3;
  static final int CLOSE_INITIATOR = 4;
  static final int RESET_RECEIVER = 5;
  static final int RESET_INITIATOR = 6;

  /** The spec's largest frame body: 1 MiB. */
  static final int MAX_MESSAGE_SIZE = 1 << 20;

  private MplexWire() {}

  /** A header announcing {@code length} bytes of body, which may or may not follow. */
  static byte[] header(long streamId, int flag, long length) {
    return Wire.concat(Wire.uvarint(streamId << 3 | flag), Wire.uvarint(length));
  }

  /** A whole frame. */
  static byte[] frame(long streamId, int flag, byte[] body) {
    return Wire.concat(header(streamId, flag, body.length), body);
  }
}
