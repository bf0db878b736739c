package io.jlibp2p.multistream;

import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Hand-built multistream bytes for tests, independent of the code under test. */
final class Wire {

  /** {@code /multistream/1.0.0}, the header each side sends first. */
  static final byte[] HEADER = hex("13 2f6d756c746973747265616d2f312e302e30 0a");

  /** {@code na}: the protocol proposed is not supported. */
  static final byte[] NA = hex("03 6e61 0a");

  private Wire() {}

  /** {@code uvarint(len+1) || payload || '\n'} for each payload, for payloads under 127 bytes. */
  static byte[] messages(String... payloads) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String payload : payloads) {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      if (bytes.length + 1 > 127) {
        throw new IllegalArgumentException("test helper handles short messages only");
      }
      out.write(bytes.length + 1);
      out.writeBytes(bytes);
      out.write('\n');
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static void feed(EmbeddedChannel channel, byte[] bytes) {
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
  }

  /** Everything the channel wrote so far, concatenated; the buffers are released. */
  static byte[] drainOutbound(EmbeddedChannel channel) {
    return ByteBufs.drain(channel::readOutbound);
  }

  /** Everything that passed the negotiator inbound, concatenated; the buffers are released. */
  static byte[] drainInbound(EmbeddedChannel channel) {
    return ByteBufs.drain(channel::readInbound);
  }
}
