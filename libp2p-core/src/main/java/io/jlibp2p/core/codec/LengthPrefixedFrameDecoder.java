package io.jlibp2p.core.codec;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a stream into the {@code uvarint(length) || bytes} messages most libp2p protocols use
 * (plaintext, identify, and protobuf-based protocols in general), each passed on as one {@link
 * ByteBuf}.
 *
 * <p>A length prefix that is not a minimal uvarint fails with a {@link DecodingException}; one
 * above {@code maxLength} fails with a {@link LimitExceededException} before any of the body is
 * buffered. A stream that ends ({@link ChannelInputShutdownEvent}) inside a message, its prefix or
 * its body, is truncated, and fails with a {@link DecodingException} in place of the event, as
 * go-libp2p's and rust-libp2p's readers fail at an unexpected EOF. Either way the decoder drops
 * what it holds and stops reading further input.
 *
 * <p>On a {@link Stream}, the memory of a message whose body is still arriving is reserved from
 * the stream's {@linkplain Stream#scope() scope} first; a refusal fails the decoder with a {@link
 * LimitExceededException}. The reservation goes back as the message is passed on, as the stream
 * ends or fails, and as the decoder is removed.
 *
 * <p>Reference counting: each message passed on is a retained slice of the cumulation, released
 * by whoever reads it.
 */
public final class LengthPrefixedFrameDecoder extends ByteToMessageDecoder {

  private final int maxLength;
  private boolean failed;
  private boolean inputShutdown;
  /** Memory reserved from the stream's scope for the message being received. */
  private long reserved;

  /** Accepts messages of at most {@code maxLength} bytes. */
  public LengthPrefixedFrameDecoder(int maxLength) {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must not be negative, got " + maxLength);
    }
    this.maxLength = maxLength;
  }

  /** Writes {@code message} with its length prefix into a new buffer from {@code ctx}'s allocator. */
  public static ByteBuf frame(ChannelHandlerContext ctx, byte[] message) {
    ByteBuf out = ctx.alloc().buffer(UnsignedVarint.encodedLength(message.length) + message.length);
    UnsignedVarint.write(message.length, out);
    return out.writeBytes(message);
  }

  /**
   * Reads one message from {@code in} if all of it is there, for a handler that frames a message
   * or two itself (a handshake) rather than adding this decoder.
   *
   * @return the message, a slice of {@code in} (not retained) past which the reader index now
   *     stands; or {@code null} when more bytes are needed, the reader index unchanged
   * @throws DecodingException if the prefix is not a minimal uvarint
   * @throws LimitExceededException if the message is longer than {@code maxLength}
   */
  public static ByteBuf readMessage(ByteBuf in, int maxLength) {
    int start = in.readerIndex();
    long length;
    try {
      length = UnsignedVarint.readIfComplete(in);
    } catch (DecodingException e) {
      throw new DecodingException("bad message length prefix: " + e.getMessage(), e);
    }
    if (length == UnsignedVarint.INCOMPLETE) {
      return null;
    }
    if (length > maxLength) {
      in.readerIndex(start);
      throw new LimitExceededException("message of " + length + " bytes exceeds the limit of " + maxLength);
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return null;
    }
    return in.readSlice((int) length);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    ByteBuf message;
    try {
      message = readMessage(in, maxLength);
      if (message == null) {
        reserveForPendingMessage(ctx, in);
        return;
      }
    } catch (DecodingException | LimitExceededException e) {
      fail(ctx, in);
      throw e;
    }
    releaseReservation(ctx);
    out.add(message.retain());
  }

  /**
   * Called by {@link ByteToMessageDecoder} once the input has ended or the channel has gone, after
   * every whole message in {@code in} was passed on: what is left is the start of a message.
   */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed || !in.isReadable()) {
      releaseReservation(ctx);
      return;
    }
    int pending = in.readableBytes();
    long length = UnsignedVarint.readIfComplete(in.duplicate());
    fail(ctx, in);
    if (inputShutdown) {
      if (length == UnsignedVarint.INCOMPLETE) {
        throw new DecodingException(
            "the stream ended inside a message's length prefix, after " + pending + " byte(s) of it");
      }
      long framed = UnsignedVarint.encodedLength(length) + length;
      throw new DecodingException("the stream ended inside a message: " + pending + " of its " + framed
          + " bytes (length prefix included) arrived");
    }
    // The channel went away: it is not a truncation the remote made, and nobody reads on.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown = true;
    }
    super.userEventTriggered(ctx, evt);
  }

  /** Drops what {@code in} holds and stops reading, the reservation given back. */
  private void fail(ChannelHandlerContext ctx, ByteBuf in) {
    failed = true;
    in.skipBytes(in.readableBytes());
    releaseReservation(ctx);
  }

  /**
   * On a stream, reserves the memory of a message whose length is known but whose body is still
   * coming, before the cumulation grows to hold it: the stream's scope may refuse, with a {@link
   * LimitExceededException}, and the stream fails.
   */
  private void reserveForPendingMessage(ChannelHandlerContext ctx, ByteBuf in) {
    if (!(ctx.channel() instanceof Stream stream)) {
      return;
    }
    if (reserved > 0) {
      return; // reserved already, when this message's first part came: its length is known
    }
    int start = in.readerIndex();
    long length = UnsignedVarint.readIfComplete(in);
    in.readerIndex(start);
    if (length != UnsignedVarint.INCOMPLETE && length > 0) {
      stream.scope().reserveMemory(length);
      reserved = length;
    }
  }

  private void releaseReservation(ChannelHandlerContext ctx) {
    if (reserved > 0 && ctx.channel() instanceof Stream stream) {
      stream.scope().releaseMemory(reserved);
    }
    reserved = 0;
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releaseReservation(ctx);
  }
}
