package io.jlibp2p.multistream.internal;

import io.jlibp2p.multiformats.InvalidVarintException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.multistream.Multistream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads and writes multistream-select messages: {@code uvarint(len) || payload || '\n'}.
 *
 * <p>Messages are capped at {@link Multistream#MAX_MESSAGE_LENGTH}, so the length prefix is at most
 * two varint bytes (up to 16383); a second continuation byte already means "too large", without
 * waiting for the rest of the prefix.
 */
public final class MessageCodec {

  private MessageCodec() {}

  /** Thrown for bytes that can never become a valid message. */
  public static final class MalformedInput extends Exception {
    public MalformedInput(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads one message if {@code in} holds all of it.
   *
   * @return the payload without its newline, advancing the reader index; or {@code null} when more
   *     bytes are needed, leaving the reader index unchanged
   * @throws MalformedInput if the bytes are not a valid message; the reader index is unchanged
   */
  public static String readMessage(ByteBuf in) throws MalformedInput {
    int start = in.readerIndex();
    // A message fits in MAX_MESSAGE_LENGTH bytes, so its length prefix is at most two bytes: a
    // second byte that continues means "too large" at once, without waiting for the rest.
    if (in.readableBytes() >= 2 && (in.getByte(start) & 0x80) != 0 && (in.getByte(start + 1) & 0x80) != 0) {
      throw new MalformedInput(
          "message length prefix longer than 2 bytes: the message exceeds the "
              + Multistream.MAX_MESSAGE_LENGTH + "-byte limit");
    }
    long length;
    try {
      length = UnsignedVarint.readIfComplete(in);
    } catch (InvalidVarintException e) {
      throw new MalformedInput("message length prefix: " + e.getMessage());
    }
    if (length == UnsignedVarint.INCOMPLETE) {
      return null;
    }
    int prefixLength = in.readerIndex() - start;
    in.readerIndex(start);
    if (length > Multistream.MAX_MESSAGE_LENGTH) {
      throw new MalformedInput(
          "message of " + length + " bytes exceeds the " + Multistream.MAX_MESSAGE_LENGTH
              + "-byte limit");
    }
    if (length == 0) {
      throw new MalformedInput("empty message: every message ends with a newline");
    }
    if (in.readableBytes() < prefixLength + length) {
      return null;
    }
    int payloadStart = start + prefixLength;
    if (in.getByte(payloadStart + (int) length - 1) != '\n') {
      throw new MalformedInput("message does not end with a newline");
    }
    String payload = in.toString(payloadStart, (int) length - 1, StandardCharsets.UTF_8);
    in.readerIndex(payloadStart + (int) length);
    return payload;
  }

  /** Appends one message carrying {@code payload} to {@code out}. */
  public static void writeMessage(ByteBuf out, String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    UnsignedVarint.write(bytes.length + 1, out);
    out.writeBytes(bytes);
    out.writeByte('\n');
  }

  /** A new buffer holding one message per payload, in order. */
  public static ByteBuf encode(ByteBufAllocator allocator, String... payloads) {
    ByteBuf out = allocator.buffer();
    for (String payload : payloads) {
      writeMessage(out, payload);
    }
    return out;
  }

  /**
   * The answer to {@code ls}: one message whose body is each protocol as a message of its own,
   * followed by a newline.
   */
  public static ByteBuf encodeProtocolList(ByteBufAllocator allocator, List<String> protocols) {
    ByteBuf body = allocator.buffer();
    try {
      for (String protocol : protocols) {
        writeMessage(body, protocol);
      }
      body.writeByte('\n');
      ByteBuf out = allocator.buffer(body.readableBytes() + 3);
      UnsignedVarint.write(body.readableBytes(), out);
      out.writeBytes(body);
      return out;
    } finally {
      body.release();
    }
  }

  /**
   * Checks that {@code protocol} can be proposed or served: not empty, no newline, not a reserved
   * word, and short enough that go accepts the message.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String requireValidProtocolId(String protocol) {
    if (protocol.isEmpty()) {
      throw new IllegalArgumentException("protocol ID is empty");
    }
    if (protocol.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("protocol ID contains a newline: " + protocol);
    }
    if (protocol.equals(Multistream.NA)
        || protocol.equals(Multistream.LS)
        || protocol.equals(Multistream.PROTOCOL_ID)) {
      throw new IllegalArgumentException("\"" + protocol + "\" is reserved by multistream-select");
    }
    if (protocol.getBytes(StandardCharsets.UTF_8).length + 1 > Multistream.MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException(
          "protocol ID longer than " + (Multistream.MAX_MESSAGE_LENGTH - 1) + " bytes: " + protocol);
    }
    return protocol;
  }

  /** A peer's message made safe for an exception message: shortened, control characters masked. */
  public static String printable(String message) {
    String shown = message.length() > 64 ? message.substring(0, 64) + "..." : message;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
