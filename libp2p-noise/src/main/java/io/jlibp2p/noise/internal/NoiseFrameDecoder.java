package io.jlibp2p.noise.internal;

import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.crypto.aead.AeadCipher;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Decrypts Noise transport messages, {@code uint16 BE length || ciphertext}, after the handshake.
 * Each frame is decrypted straight from the read buffer into one new pooled buffer. A frame that
 * fails authentication (tampered, replayed, truncated) closes the connection and delivers nothing.
 *
 * <p>Reference counting: each decrypted buffer goes down the pipeline, owned by the reader.
 */
public final class NoiseFrameDecoder extends ByteToMessageDecoder {

  private final CipherState receiving;
  private boolean failed;

  public NoiseFrameDecoder(CipherState receiving) {
    this.receiving = receiving;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.readableBytes() >= 2) {
      int start = in.readerIndex();
      int frame = in.getUnsignedShort(start);
      if (in.readableBytes() < 2 + frame) {
        return;
      }
      if (frame < AeadCipher.TAG_LENGTH) {
        fail(ctx, "noise frame of " + frame + " bytes is shorter than its tag", null);
        break;
      }
      int plaintextLength = frame - AeadCipher.TAG_LENGTH;
      ByteBuf plaintext = ctx.alloc().buffer(plaintextLength);
      try {
        receiving.decryptWithAd(null, in.nioBuffer(start + 2, frame), plaintext.nioBuffer(0, plaintextLength));
      } catch (AEADBadTagException | IllegalStateException e) {
        plaintext.release();
        fail(ctx, "noise frame failed authentication (tampered, replayed or truncated)", e);
        break;
      }
      plaintext.writerIndex(plaintextLength);
      in.readerIndex(start + 2 + frame);
      if (plaintextLength == 0) {
        plaintext.release();
      } else {
        out.add(plaintext);
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ChannelHandlerContext ctx, String message, Throwable cause) {
    failed = true;
    ctx.fireExceptionCaught(cause == null ? new SecureChannelException(message) : new SecureChannelException(message, cause));
    ctx.close();
  }
}
