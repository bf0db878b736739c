package io.jlibp2p.integration.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * yamux frames by hand (<a href="https://github.com/libp2p/specs/blob/master/yamux/README.md">spec</a>,
 * "Framing"): a 12-byte big-endian header {@code version(0), type, flags, stream ID, length}, then,
 * for Data frames, {@code length} bytes. The constants repeat libp2p-yamux's internal {@code
 * YamuxFrame}, since an attacker must not depend on the code it attacks.
 */
final class YamuxWire {

  static final String PROTOCOL_ID = "/yamux/1.0.0";

  static final int HEADER_LENGTH = 12;

  static final int TYPE_DATA = 0;
  static final int TYPE_WINDOW_UPDATE = 1;
  static final int TYPE_PING = 2;
  static final int TYPE_GO_AWAY = 3;

  static final int FLAG_SYN = 1;
  static final int FLAG_ACK = 2;
  static final int FLAG_FIN = 4;
  static final int FLAG_RST = 8;

  static final int GO_AWAY_PROTOCOL_ERROR = 1;

  /** Every stream's receive window as it opens: 256 KiB. */
  static final int INITIAL_WINDOW = 256 * 1024;

  /** The largest a jlibp2p stream's receive window may grow by default: 16 MiB. */
  static final long DEFAULT_MAX_WINDOW = 16L << 20;

  private YamuxWire() {}

  /** One frame, as read from the host. */
  record Frame(int type, int flags, long streamId, long length, byte[] data) {
    boolean has(int flag) {
      return (flags & flag) != 0;
    }
  }

  /** A 12-byte header; {@code length} is the payload length of a Data frame, else the frame's value. */
  static byte[] header(int type, int flags, long streamId, long length) {
    return ByteBuffer.allocate(HEADER_LENGTH)
        .put((byte) 0)
        .put((byte) type)
        .putShort((short) flags)
        .putInt((int) streamId)
        .putInt((int) length)
        .array();
  }

  /** A Data frame carrying {@code payload}. */
  static byte[] data(long streamId, int flags, byte[] payload) {
    return Wire.concat(header(TYPE_DATA, flags, streamId, payload.length), payload);
  }

  /** Opens stream {@code streamId} with a WindowUpdate carrying SYN, as go does. */
  static byte[] open(long streamId) {
    return header(TYPE_WINDOW_UPDATE, FLAG_SYN, streamId, 0);
  }

  /** A ping the host must answer. */
  static byte[] ping(long opaque) {
    return header(TYPE_PING, FLAG_SYN, 0, opaque);
  }

  /** Reads one frame, payload included. */
  static Frame read(InputStream in) throws IOException {
    ByteBuffer header = ByteBuffer.wrap(Wire.readExactly(in, HEADER_LENGTH));
    int version = header.get() & 0xff;
    int type = header.get() & 0xff;
    int flags = header.getShort() & 0xffff;
    long streamId = header.getInt() & 0xffffffffL;
    long length = header.getInt() & 0xffffffffL;
    if (version != 0) {
      throw new IOException("the host sent yamux version " + version);
    }
    byte[] data = type == TYPE_DATA ? Wire.readExactly(in, (int) length) : new byte[0];
    return new Frame(type, flags, streamId, length, data);
  }
}
