package io.jlibp2p.mplex.internal;

import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;

/**
 * One <a href="https://github.com/libp2p/specs/blob/master/mplex/README.md">mplex</a> frame:
 * {@code uvarint(streamId << 3 | flag)}, {@code uvarint(length)}, then {@code length} bytes of body
 * (mplex spec, "Message format").
 *
 * @param streamId the stream's number, unique only together with which side opened it
 * @param flag one of {@link MplexFlag}, or 7, which the spec leaves undefined
 * @param body the body, never {@code null} (empty when the length is 0); owned by the frame's
 *     receiver, which must release it
 */
record MplexFrame(long streamId, int flag, ByteBuf body) {

  /** The spec's maximum message size: 1 MiB. */
  static final int MAX_MESSAGE_SIZE = 1 << 20;

  /** The longest header: two varints of the multiformats maximum length. */
  static final int MAX_HEADER_LENGTH = 2 * UnsignedVarint.MAX_LENGTH;

  /** The header's low three bits are the flag; the stream ID is above them. */
  static final int FLAG_BITS = 3;

  static final int FLAG_MASK = (1 << FLAG_BITS) - 1;

  /** Writes the header of a frame whose body is {@code length} bytes. */
  static void writeHeader(ByteBuf out, long streamId, int flag, int length) {
    UnsignedVarint.write((streamId << FLAG_BITS) | flag, out);
    UnsignedVarint.write(length, out);
  }
}
