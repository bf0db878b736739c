package io.jlibp2p.ping.internal;

import io.jlibp2p.core.muxer.StreamResponder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * The listening side of ping: collects each {@value #PAYLOAD_SIZE}-byte payload and writes it
 * back whole, as go's responder does ({@code io.ReadFull} then write), so that it holds at most
 * one payload however the bytes arrive. When the dialer ends its writing, this ends its own; a
 * trailing partial payload is dropped, since no dialer waits for it.
 *
 * <p>Reference counting: each inbound buffer is released here; each payload is collected in a
 * buffer of its own, which the write releases, and the one being filled is released on removal.
 */
public final class PingResponder extends StreamResponder {

  /** The size of a ping payload, per the spec. */
  public static final int PAYLOAD_SIZE = 32;

  private ByteBuf pending;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    pending = ctx.alloc().buffer(PAYLOAD_SIZE, PAYLOAD_SIZE);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      while (in.isReadable()) {
        in.readBytes(pending, Math.min(in.readableBytes(), pending.writableBytes()));
        if (!pending.isWritable()) {
          // The full payload goes out as it is; the next one gets a buffer of its own.
          ByteBuf full = pending;
          pending = null;
          ctx.write(full);
          pending = ctx.alloc().buffer(PAYLOAD_SIZE, PAYLOAD_SIZE);
        }
      }
    } finally {
      in.release();
    }
  }
}
