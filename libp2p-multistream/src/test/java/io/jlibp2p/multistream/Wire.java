package io.jlibp2p.multistream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Hand-built multistream bytes for tests, independent of the code under test. */
final class Wire {

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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf buf;
    while ((buf = channel.readOutbound()) != null) {
      out.writeBytes(ByteBufUtil.getBytes(buf));
      buf.release();
    }
    return out.toByteArray();
  }

  /** Everything that passed the negotiator inbound, concatenated; the buffers are released. */
  static byte[] drainInbound(EmbeddedChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Object message;
    while ((message = channel.readInbound()) != null) {
      ByteBuf buf = (ByteBuf) message;
      out.writeBytes(ByteBufUtil.getBytes(buf));
      buf.release();
    }
    return out.toByteArray();
  }
}
