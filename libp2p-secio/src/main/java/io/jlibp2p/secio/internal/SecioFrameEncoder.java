package io.jlibp2p.secio.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encrypts writes after the SECIO handshake into packets of {@code uint32 BE length || ciphertext
 * || HMAC(ciphertext)}, cutting a large write into packets of at most {@link #MAX_PLAINTEXT}
 * bytes so that no peer's reader limit is approached.
 *
 * <p>Reference counting: as any MessageToByteEncoder, it releases each buffer written to it.
 */
public final class SecioFrameEncoder extends MessageToByteEncoder<ByteBuf> {

  /** The largest plaintext per packet. */
  public static final int MAX_PLAINTEXT = 256 * 1024;

  private final SecioCipher sending;

  SecioFrameEncoder(SecioCipher sending) {
    super(ByteBuf.class);
    this.sending = sending;
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
    int packets = Math.max(1, (msg.readableBytes() + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT);
    int size = msg.readableBytes() + packets * (4 + sending.macLength());
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
    while (msg.isReadable()) {
      int chunk = Math.min(msg.readableBytes(), MAX_PLAINTEXT);
      out.ensureWritable(4 + chunk + sending.macLength());
      out.writeInt(chunk + sending.macLength());
      sending.seal(msg, chunk, out);
    }
  }
}
