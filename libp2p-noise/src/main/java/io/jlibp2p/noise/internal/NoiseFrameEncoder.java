package io.jlibp2p.noise.internal;

import io.jlibp2p.crypto.aead.AeadCipher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encrypts writes after the Noise handshake into transport messages: {@code uint16 BE length ||
 * ciphertext}, at most 65535 bytes each, so a write is cut into plaintexts of at most 65519 bytes
 * (the libp2p noise spec's wire format). A write is encrypted straight from its buffer into one
 * output buffer sized for all its frames.
 *
 * <p>Reference counting: as any MessageToByteEncoder, it releases each buffer written to it.
 */
public final class NoiseFrameEncoder extends MessageToByteEncoder<ByteBuf> {

  /** The largest Noise message. */
  public static final int MAX_FRAME = 65535;

  /** The largest plaintext per frame. */
  public static final int MAX_PLAINTEXT = MAX_FRAME - AeadCipher.TAG_LENGTH;

  private final CipherState sending;

  public NoiseFrameEncoder(CipherState sending) {
    super(ByteBuf.class);
    this.sending = sending;
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, ByteBuf msg, boolean preferDirect) {
    int frames = Math.max(1, (msg.readableBytes() + MAX_PLAINTEXT - 1) / MAX_PLAINTEXT);
    int size = msg.readableBytes() + frames * (2 + AeadCipher.TAG_LENGTH);
    return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ByteBuf msg, ByteBuf out) {
    while (msg.isReadable()) {
      int chunk = Math.min(msg.readableBytes(), MAX_PLAINTEXT);
      int frame = chunk + AeadCipher.TAG_LENGTH;
      out.ensureWritable(2 + frame);
      out.writeShort(frame);
      int at = out.writerIndex();
      sending.encryptWithAd(null, msg.nioBuffer(msg.readerIndex(), chunk), out.nioBuffer(at, frame));
      out.writerIndex(at + frame);
      msg.skipBytes(chunk);
    }
  }
}
