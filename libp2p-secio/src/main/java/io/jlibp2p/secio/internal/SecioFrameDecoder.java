package io.jlibp2p.secio.internal;

import io.jlibp2p.core.security.SecureChannelException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Checks and decrypts SECIO packets, {@code uint32 BE length || ciphertext || HMAC}, after the
 * handshake. A packet is delivered only once its MAC is verified, so a tampered packet delivers
 * nothing: the connection closes with a {@link SecureChannelException}. At most one packet is
 * buffered, and a packet longer than the limit closes the connection before any of it is
 * buffered.
 *
 * <p>Reference counting: each decrypted packet goes down the pipeline in a new buffer, owned by
 * the reader.
 */
public final class SecioFrameDecoder extends ByteToMessageDecoder {

  /** The spec's packet limit, 8 MiB: what this side never exceeds when it sends. */
  public static final int SPEC_MAX_PACKET = 8 * 1024 * 1024;

  private final SecioCipher receiving;
  private final int maxPacket;
  private boolean failed;

  SecioFrameDecoder(SecioCipher receiving, int maxPacket) {
    this.receiving = receiving;
    this.maxPacket = maxPacket;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.readableBytes() >= 4) {
      int start = in.readerIndex();
      long length = in.getUnsignedInt(start);
      if (length > maxPacket) {
        fail(ctx, "secio packet of " + length + " bytes exceeds the limit of " + maxPacket);
        break;
      }
      if (length < receiving.macLength()) {
        fail(ctx, "secio packet of " + length + " bytes is shorter than its MAC");
        break;
      }
      if (in.readableBytes() < 4 + length) {
        return;
      }
      if (!receiving.authentic(in, start + 4, (int) length)) {
        fail(ctx, "secio packet failed its MAC check (tampered or corrupted); nothing of it was delivered");
        break;
      }
      int body = (int) length - receiving.macLength();
      in.readerIndex(start + 4 + (int) length);
      if (body > 0) {
        ByteBuf plain = ctx.alloc().buffer(body);
        receiving.decrypt(in, start + 4, body, plain);
        out.add(plain);
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    failed = true;
    ctx.fireExceptionCaught(new SecureChannelException(message));
    ctx.close();
  }
}
