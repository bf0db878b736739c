package io.jlibp2p.core.blocking.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.multiformats.InvalidVarintException;
import io.jlibp2p.multiformats.UnsignedVarint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Length-prefixed messages over blocking streams, {@code uvarint(length) || bytes}: the framing of
 * {@link io.jlibp2p.core.codec.LengthPrefixedFrameDecoder} and its encoder, for code that reads
 * and writes a stream's {@code InputStream} and {@code OutputStream}. Everything that goes wrong is
 * an {@link IOException}, as the rest of a blocking stream's failures are.
 */
public final class MessageFraming {

  /** Bodies under this size are sent with their prefix in one write, so in one frame. */
  private static final int JOIN_BELOW = StreamBridge.LEND_AT_LEAST;

  private MessageFraming() {}

  /**
   * Reads one message of at most {@code maxBytes}.
   *
   * @return the message, or null if the stream ended before its first byte
   * @throws EOFException if the stream ended inside the message
   * @throws IOException if the prefix is malformed or announces more than {@code maxBytes}
   */
  public static byte[] read(InputStream in, int maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
    }
    byte[] prefix = new byte[UnsignedVarint.MAX_LENGTH];
    int length = 0;
    while (true) {
      int next = in.read();
      if (next < 0) {
        if (length == 0) {
          return null;
        }
        throw new EOFException("the stream ended inside a message's length prefix, after " + length + " bytes of it");
      }
      prefix[length++] = (byte) next;
      if ((next & 0x80) == 0) {
        break;
      }
      if (length == prefix.length) {
        throw new IOException("bad message length prefix: longer than the " + prefix.length + " bytes a uvarint may take");
      }
    }
    long size;
    try {
      size = UnsignedVarint.decode(Arrays.copyOf(prefix, length));
    } catch (InvalidVarintException e) {
      throw new IOException("bad message length prefix: " + e.getMessage(), e);
    }
    if (size > maxBytes) {
      String why = "a message of " + size + " bytes exceeds the limit of " + maxBytes;
      throw new IOException(why, new LimitExceededException(why));
    }
    // Grown as the bytes arrive, not allocated as announced: a prefix alone must not cost maxBytes.
    byte[] message = in.readNBytes((int) size);
    if (message.length < size) {
      throw new EOFException("the stream ended inside a message: " + message.length + " of its " + size + " bytes arrived");
    }
    return message;
  }

  /**
   * Writes {@code message} with its length prefix; a large one in two writes, so two threads must
   * not write messages to one stream at once.
   */
  public static void write(OutputStream out, byte[] message) throws IOException {
    byte[] prefix = UnsignedVarint.encode(message.length);
    if (message.length < JOIN_BELOW) {
      byte[] framed = Arrays.copyOf(prefix, prefix.length + message.length);
      System.arraycopy(message, 0, framed, prefix.length, message.length);
      out.write(framed);
    } else {
      out.write(prefix);
      out.write(message);
    }
  }
}
