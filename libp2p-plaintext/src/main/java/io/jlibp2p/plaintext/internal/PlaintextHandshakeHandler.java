package io.jlibp2p.plaintext.internal;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.security.AbstractHandshakeHandler;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.plaintext.internal.pb.PlaintextProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.List;

/**
 * Runs the plaintext/2.0.0 exchange: sends {@code uvarint(len) || Exchange}, reads the remote's,
 * checks that its ID is derived from its key (and is the one expected), then leaves the pipeline.
 * Bytes after the remote's Exchange are passed on unframed, as the spec says.
 *
 * <p>Reference counting: inbound bytes live in the decoder's cumulation, released by it.
 */
public final class PlaintextHandshakeHandler extends AbstractHandshakeHandler {

  /** The protocol ID, which {@code PlaintextSecureChannel} publishes. */
  public static final String PROTOCOL_ID = "/plaintext/2.0.0";

  /** Far above any real Exchange (an 8192-bit RSA key is about 1.1 KiB), far below harm. */
  public static final int MAX_EXCHANGE_LENGTH = 16 * 1024;

  private final HandshakeParameters parameters;

  public PlaintextHandshakeHandler(HandshakeParameters parameters) {
    super(PROTOCOL_ID);
    this.parameters = parameters;
  }

  /** Both sides send their Exchange at once, without waiting for the other's. */
  @Override
  protected void onStart(ChannelHandlerContext ctx) {
    byte[] exchange =
        PlaintextProtos.Exchange.newBuilder()
            .setId(ByteString.copyFrom(parameters.localPeer().toBytes()))
            .setPubkey(ByteString.copyFrom(parameters.localKey().publicKey().marshal()))
            .build()
            .toByteArray();
    ctx.writeAndFlush(LengthPrefixedFrameDecoder.frame(ctx, exchange));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (isDone()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    ByteBuf exchange;
    try {
      exchange = LengthPrefixedFrameDecoder.readMessage(in, MAX_EXCHANGE_LENGTH);
    } catch (DecodingException | LimitExceededException e) {
      fail(ctx, "Exchange: " + e.getMessage(), e);
      return;
    }
    if (exchange == null) {
      return;
    }
    SecureSession established;
    try {
      established = verify(decodeExchange(exchange));
    } catch (SecurityHandshakeException e) {
      fail(ctx, e);
      return;
    }
    succeed(ctx, established);
  }

  /**
   * Decodes the remote's Exchange (the message without its length prefix) and checks that the
   * peer ID it claims is the one its key derives.
   *
   * @return the remote's key; {@code PeerId.fromPublicKey} of it is the ID the Exchange claims
   * @throws SecurityHandshakeException if the message is not an Exchange, lacks the ID or the key,
   *     either is malformed, or the ID is not the key's
   */
  static PublicKey decodeExchange(ByteBuf message) {
    PlaintextProtos.Exchange exchange;
    try {
      exchange = PlaintextProtos.Exchange.parseFrom(new ByteBufInputStream(message));
    } catch (IOException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": malformed Exchange: " + e.getMessage(), e);
    }
    if (!exchange.hasId() || !exchange.hasPubkey()) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": Exchange lacks the peer ID or the public key");
    }
    PublicKey key;
    PeerId claimed;
    try {
      key = PublicKey.unmarshal(exchange.getPubkey().toByteArray());
      claimed = PeerId.fromBytes(exchange.getId().toByteArray());
    } catch (DecodingException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": invalid Exchange: " + e.getMessage(), e);
    }
    if (!claimed.matches(key)) {
      throw new SecurityHandshakeException(
          PROTOCOL_ID + ": the remote claims peer " + claimed + " but sent the key of " + PeerId.fromPublicKey(key));
    }
    return key;
  }

  private SecureSession verify(PublicKey key) {
    PeerId remote = PeerId.fromPublicKey(key);
    parameters.requireExpected(PROTOCOL_ID, remote);
    return new SecureSession(PROTOCOL_ID, parameters.localPeer(), remote, key);
  }

  private void fail(ChannelHandlerContext ctx, String message, Throwable cause) {
    fail(ctx, cause == null ? new SecurityHandshakeException(message) : new SecurityHandshakeException(message, cause));
  }

}
