package io.jlibp2p.core.fuzz;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.InvalidVarintException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link io.jlibp2p.core.codec.LengthPrefixedFrameDecoder} on a stream should make of the
 * bytes it is fed, worked out without it, chunk by chunk: the fuzz targets' oracle. After each
 * chunk it knows the messages so far, the failure if the stream has failed, and the memory the
 * decoder should hold reserved: the length of a message whose prefix has arrived but not all of
 * its body.
 */
final class LengthPrefixedStreamModel {

  private final int maxLength;
  private final long memoryLimit;
  private final List<byte[]> messages = new ArrayList<>();
  private byte[] buffer = new byte[64];
  private int start;
  private int end;
  private Class<? extends RuntimeException> failure;
  private boolean refusedByScope;
  private long reservation;

  /** A stream read with messages of at most {@code maxLength}, from a scope of {@code memoryLimit}. */
  LengthPrefixedStreamModel(int maxLength, long memoryLimit) {
    this.maxLength = maxLength;
    this.memoryLimit = memoryLimit;
  }

  /** The next chunk arrives. */
  void feed(byte[] chunk) {
    if (failure != null) {
      return;
    }
    append(chunk);
    while (true) {
      ByteBuf rest = Unpooled.wrappedBuffer(buffer, start, end - start);
      long length;
      try {
        length = UnsignedVarint.readIfComplete(rest);
      } catch (InvalidVarintException e) {
        fail(DecodingException.class);
        return;
      }
      if (length == UnsignedVarint.INCOMPLETE) {
        reservation = 0;
        return;
      }
      if (length > maxLength) {
        fail(LimitExceededException.class);
        return;
      }
      if (rest.readableBytes() < length) {
        // The body is still coming: its memory is reserved before it is buffered.
        if (length > memoryLimit) {
          fail(LimitExceededException.class);
          refusedByScope = true;
          return;
        }
        reservation = length;
        return;
      }
      int bodyStart = start + rest.readerIndex();
      messages.add(Arrays.copyOfRange(buffer, bodyStart, bodyStart + (int) length));
      start = bodyStart + (int) length;
      reservation = 0;
    }
  }

  /** The remote ends its writing: a message it ended inside is a truncated stream. */
  void endOfStream() {
    if (failure == null && start < end) {
      fail(DecodingException.class);
    }
    reservation = 0;
  }

  private void fail(Class<? extends RuntimeException> type) {
    failure = type;
    reservation = 0;
  }

  private void append(byte[] chunk) {
    if (end + chunk.length > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, end + chunk.length));
    }
    System.arraycopy(chunk, 0, buffer, end, chunk.length);
    end += chunk.length;
  }

  /** Every whole message so far. */
  List<byte[]> messages() {
    return messages;
  }

  /** The exception the decoder should have failed with, or {@code null} while it reads on. */
  Class<? extends RuntimeException> failure() {
    return failure;
  }

  /** Whether the failure is the stream's scope refusing the memory of a message. */
  boolean refusedByScope() {
    return refusedByScope;
  }

  /** The memory the decoder should hold reserved now. */
  long reservation() {
    return reservation;
  }

  /** The bytes received that are not part of a whole message; none once the decoder has failed. */
  byte[] pending() {
    return failure != null ? new byte[0] : Arrays.copyOfRange(buffer, start, end);
  }
}
