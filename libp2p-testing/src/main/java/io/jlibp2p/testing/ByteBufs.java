package io.jlibp2p.testing;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.function.Supplier;

/**
 * Copies the bytes out of buffers a test receives, and releases the buffers: the two steps every
 * handler and channel check in the tests would otherwise write again, and sometimes forget the
 * second of.
 */
public final class ByteBufs {

  private ByteBufs() {}

  /** The readable bytes of {@code message}, which must be a {@link ByteBuf}; releases it. */
  public static byte[] take(Object message) {
    if (!(message instanceof ByteBuf buf)) {
      throw new AssertionError("expected a ByteBuf, got " + message);
    }
    try {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  /**
   * Takes messages from {@code next} until it returns {@code null}, and returns their bytes
   * concatenated; releases each. For example, {@code drain(channel::readOutbound)} on an {@code
   * EmbeddedChannel} returns everything the channel has written.
   */
  public static byte[] drain(Supplier<?> next) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Object message;
    while ((message = next.get()) != null) {
      out.writeBytes(take(message));
    }
    return out.toByteArray();
  }
}
