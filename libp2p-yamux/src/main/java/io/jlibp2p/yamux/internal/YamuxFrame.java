package io.jlibp2p.yamux.internal;

import io.netty.buffer.ByteBuf;

/**
 * One yamux frame: the 12-byte header ({@code version, type, flags, stream ID, length}, big
 * endian) and, for Data frames, the payload (yamux spec, "Framing").
 *
 * @param data the payload of a Data frame, owned by the frame's receiver; {@code null} otherwise
 */
record YamuxFrame(int type, int flags, long streamId, long length, ByteBuf data) {

  static final int HEADER_LENGTH = 12;
  static final int VERSION = 0;

  static final int TYPE_DATA = 0;
  static final int TYPE_WINDOW_UPDATE = 1;
  static final int TYPE_PING = 2;
  static final int TYPE_GO_AWAY = 3;

  static final int FLAG_SYN = 1;
  static final int FLAG_ACK = 2;
  static final int FLAG_FIN = 4;
  static final int FLAG_RST = 8;

  static final int GO_AWAY_NORMAL = 0;
  static final int GO_AWAY_PROTOCOL_ERROR = 1;
  static final int GO_AWAY_INTERNAL_ERROR = 2;

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** Writes a header. */
  static void writeHeader(ByteBuf out, int type, int flags, long streamId, long length) {
    out.writeByte(VERSION);
    out.writeByte(type);
    out.writeShort(flags);
    out.writeInt((int) streamId);
    out.writeInt((int) length);
  }
}
