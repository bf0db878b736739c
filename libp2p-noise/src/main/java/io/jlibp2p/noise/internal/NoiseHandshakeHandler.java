package io.jlibp2p.noise.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.AbstractHandshakeHandler;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * Runs the libp2p Noise handshake on a connection: the XX messages, each framed with a 2-byte
 * length, carrying the libp2p payload (identity key and a signature over the static Noise key) in
 * messages 2 and 3. When it is done it puts a {@link NoiseFrameDecoder} and a {@link NoiseFrameEncoder}
 * in its place; bytes that followed the last handshake message go to the decoder.
 *
 * <p>Reference counting: inbound bytes live in the decoder's cumulation; outbound frames go to the
 * channel.
 */
public final class NoiseHandshakeHandler extends AbstractHandshakeHandler {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = "/noise";

  private static final byte[] NO_PROLOGUE = new byte[0];

  private final HandshakeParameters parameters;
  private final X25519 staticKey;
  private final XxHandshake handshake;
  private SecureSession verified;
  private List<String> remoteMuxers = List.of();

  public NoiseHandshakeHandler(HandshakeParameters parameters) {
    this(parameters, X25519.generate(), X25519.generate());
  }

  /**
   * With chosen Noise keys, which must be fresh for every handshake outside tests: the fuzz tests
   * use fixed ones, so that an execution is deterministic and makes no keys.
   */
  NoiseHandshakeHandler(HandshakeParameters parameters, X25519 staticKey, X25519 ephemeral) {
    super(PROTOCOL_ID);
    this.parameters = parameters;
    this.staticKey = staticKey;
    this.handshake =
        new XxHandshake(parameters.direction() == Direction.OUTBOUND, staticKey, ephemeral, NO_PROLOGUE, ChaChaPoly.newCipher());
  }

  @Override
  protected void onStart(ChannelHandlerContext ctx) {
    if (handshake.isMyTurn()) {
      // Message 1 carries no payload: it would travel unencrypted and unauthenticated.
      send(ctx, new byte[0]);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!isDone() && in.readableBytes() >= 2) {
      int length = in.getUnsignedShort(in.readerIndex());
      String wrongLength = handshake.checkIncomingLength(length);
      if (wrongLength != null) {
        fail(ctx, new SecurityHandshakeException(PROTOCOL_ID + ": " + wrongLength));
        return;
      }
      if (in.readableBytes() < 2 + length) {
        return;
      }
      in.skipBytes(2);
      byte[] message = new byte[length];
      in.readBytes(message);
      try {
        onMessage(ctx, message);
      } catch (SecurityHandshakeException e) {
        fail(ctx, e);
        return;
      }
    }
  }

  private void onMessage(ChannelHandlerContext ctx, byte[] message) {
    byte[] payload;
    try {
      payload = handshake.readMessage(message);
    } catch (AEADBadTagException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": a handshake message failed authentication", e);
    } catch (GeneralSecurityException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": malformed handshake message: " + e.getMessage(), e);
    }
    if (handshake.remoteStaticKey() != null && verified == null) {
      verified = verify(payload, handshake.remoteStaticKey());
    }
    if (handshake.isMyTurn()) {
      send(ctx, localPayload());
    }
    if (handshake.isComplete()) {
      complete(ctx);
    }
  }

  private void send(ChannelHandlerContext ctx, byte[] payload) {
    byte[] message;
    try {
      message = handshake.writeMessage(payload);
    } catch (GeneralSecurityException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": the remote's ephemeral key is unusable: " + e.getMessage(), e);
    }
    ByteBuf frame = ctx.alloc().buffer(2 + message.length);
    frame.writeShort(message.length);
    frame.writeBytes(message);
    ctx.writeAndFlush(frame);
  }

  private byte[] localPayload() {
    return HandshakePayload.sign(parameters.localKey(), staticKey.publicKey(), parameters.muxers());
  }

  /**
   * The muxer both sides listed, if both sent the extension: the first of the initiator's list
   * that the responder also supports. Lists with nothing in common fail the handshake, as the
   * spec requires.
   */
  private Optional<String> agreedMuxer() {
    if (parameters.muxers().isEmpty() || remoteMuxers.isEmpty()) {
      return Optional.empty();
    }
    boolean initiator = parameters.direction() == Direction.OUTBOUND;
    List<String> preference = initiator ? parameters.muxers() : remoteMuxers;
    List<String> other = initiator ? remoteMuxers : parameters.muxers();
    return Optional.of(
        preference.stream()
            .filter(other::contains)
            .findFirst()
            .orElseThrow(() -> new SecurityHandshakeException(
                PROTOCOL_ID + ": no stream muxer in common: ours " + parameters.muxers() + ", theirs " + remoteMuxers)));
  }

  private SecureSession verify(byte[] payload, byte[] remoteStatic) {
    HandshakePayload remote = HandshakePayload.verify(payload, remoteStatic);
    PeerId remotePeer = PeerId.fromPublicKey(remote.identity());
    parameters.requireExpected(PROTOCOL_ID, remotePeer);
    remoteMuxers = remote.muxers();
    return new SecureSession(PROTOCOL_ID, parameters.localPeer(), remotePeer, remote.identity());
  }

  private void complete(ChannelHandlerContext ctx) {
    Optional<String> muxer = agreedMuxer();
    CipherState[] transport = handshake.split(ChaChaPoly.newCipher(), ChaChaPoly.newCipher());
    ctx.pipeline().addAfter(ctx.name(), "noise-decrypt", new NoiseFrameDecoder(transport[1]));
    ctx.pipeline().addAfter("noise-decrypt", "noise-encrypt", new NoiseFrameEncoder(transport[0]));
    succeed(ctx, new SecureSession(
        verified.protocolId(), verified.localPeer(), verified.remotePeer(), verified.remotePublicKey(), muxer));
  }
}
