package io.jlibp2p.tls.internal;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Reads the extension types of a TLS ClientHello record (RFC 8446 section 4.1.2), for tests. */
final class ClientHellos {

  static final int SERVER_NAME = 0;
  static final int ALPN = 16;

  private ClientHellos() {}

  /** The extension types, in order, of the ClientHello that {@code record} holds. */
  static List<Integer> extensionTypes(ByteBuf record) {
    ByteBuf in = record.duplicate();
    if (in.readUnsignedByte() != 22) {
      throw new IllegalArgumentException("not a handshake record");
    }
    in.skipBytes(2 + 2); // legacy record version, record length
    if (in.readUnsignedByte() != 1) {
      throw new IllegalArgumentException("not a ClientHello");
    }
    in.skipBytes(3 + 2 + 32); // handshake length, legacy version, random
    in.skipBytes(in.readUnsignedByte()); // legacy session ID
    in.skipBytes(in.readUnsignedShort()); // cipher suites
    in.skipBytes(in.readUnsignedByte()); // compression methods
    int end = in.readUnsignedShort() + in.readerIndex();
    List<Integer> types = new ArrayList<>();
    while (in.readerIndex() < end) {
      types.add(in.readUnsignedShort());
      in.skipBytes(in.readUnsignedShort());
    }
    return types;
  }
}
