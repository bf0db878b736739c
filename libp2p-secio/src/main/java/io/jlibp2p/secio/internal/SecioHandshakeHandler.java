package io.jlibp2p.secio.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.security.AbstractHandshakeHandler;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.secio.internal.pb.SecioProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the SECIO handshake: Propose, Exchange, then each side's first encrypted packet carrying
 * the other's nonce. When it is done a {@link SecioFrameDecoder} and a {@link SecioFrameEncoder}
 * take its place; bytes that followed the handshake go to the decoder.
 *
 * <p>Signatures are made and checked over the exact Propose bytes sent and received, never over a
 * re-encoding.
 *
 * <p>The shared secret's leading zeros: go drops them (it takes {@code big.Int.Bytes()}), js keeps
 * the fixed-width X coordinate (Node's {@code computeSecret}). The two derive different keys in
 * the one handshake in 256 whose secret starts with a zero byte. Both go and js send their
 * nonce packet without waiting for ours, so in that case this side reads theirs first, finds by
 * its MAC which form they used, and answers in the same form. Two jlibp2p nodes would both wait;
 * so the side whose preferences won waits at most {@link #AMBIGUOUS_WAIT_MILLIS} and then sends
 * in the fixed-width form, which the other side then detects.
 *
 * <p>Reference counting: inbound bytes live in the decoder's cumulation; outbound frames go to the
 * channel.
 */
public final class SecioHandshakeHandler extends AbstractHandshakeHandler {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = "/secio/1.0.0";

  /** The largest handshake message accepted: far above a Propose with an 8192-bit RSA key. */
  static final int MAX_HANDSHAKE_MESSAGE = 64 * 1024;

  static final int NONCE_SIZE = 16;

  /** How long the winning side waits for the remote's packet when the secret is ambiguous. */
  static final long AMBIGUOUS_WAIT_MILLIS = 1000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private enum State { PROPOSE, EXCHANGE, FIRST_PACKET, DONE }

  private final HandshakeParameters parameters;
  private final byte[] nonce = new byte[NONCE_SIZE];
  private byte[] proposeOut;
  private byte[] proposeIn;
  private byte[] remoteNonce;
  private PublicKey remoteKey;
  private int order;
  private EcdhCurve curve;
  private int cipherKeySize;
  private String hmac;
  private KeyPair ephemeral;
  private byte[] ephemeralOut;
  /** The ways the remote may have derived keys: fixed-width secret first, stripped if it differs. */
  private List<Directions> candidates;
  private Directions chosen;
  private ScheduledFuture<?> ambiguousTimer;
  private State state = State.PROPOSE;

  /** Both directions' ciphers, derived from one form of the shared secret. */
  private record Directions(SecioCipher outbound, SecioCipher inbound) {}

  private final Function<EcdhCurve, KeyPair> ephemeralKeys;

  private final int maxInboundPacket;

  /** @param maxInboundPacket the largest packet accepted from the remote, in bytes */
  public SecioHandshakeHandler(HandshakeParameters parameters, int maxInboundPacket) {
    this(parameters, maxInboundPacket, EcdhCurve::generate);
  }

  /** With chosen ephemeral keys: tests use it to make a secret with a leading zero byte. */
  SecioHandshakeHandler(HandshakeParameters parameters, int maxInboundPacket, Function<EcdhCurve, KeyPair> ephemeralKeys) {
    super(PROTOCOL_ID);
    this.parameters = parameters;
    this.maxInboundPacket = maxInboundPacket;
    this.ephemeralKeys = ephemeralKeys;
    RANDOM.nextBytes(nonce);
  }

  @Override
  protected void onStart(ChannelHandlerContext ctx) {
    proposeOut = SecioProtos.Propose.newBuilder()
        .setRand(ByteString.copyFrom(nonce))
        .setPubkey(ByteString.copyFrom(parameters.localKey().publicKey().marshal()))
        .setExchanges(Proposals.EXCHANGES)
        .setCiphers(Proposals.CIPHERS)
        .setHashes(Proposals.HASHES)
        .build()
        .toByteArray();
    writeFrame(ctx, proposeOut);
  }

  private static void writeFrame(ChannelHandlerContext ctx, byte[] body) {
    ByteBuf frame = ctx.alloc().buffer(4 + body.length);
    frame.writeInt(body.length);
    frame.writeBytes(body);
    ctx.writeAndFlush(frame);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!isDone() && state != State.DONE && in.readableBytes() >= 4) {
      long length = in.getUnsignedInt(in.readerIndex());
      long limit = state == State.FIRST_PACKET ? maxInboundPacket : MAX_HANDSHAKE_MESSAGE;
      if (length > limit) {
        fail(ctx, new SecurityHandshakeException(PROTOCOL_ID + ": handshake message of " + length + " bytes exceeds " + limit));
        return;
      }
      if (in.readableBytes() < 4 + length) {
        return;
      }
      try {
        if (state == State.FIRST_PACKET) {
          onFirstPacket(ctx, in, in.readerIndex() + 4, (int) length);
          in.skipBytes(4 + (int) length);
        } else {
          in.skipBytes(4);
          byte[] message = new byte[(int) length];
          in.readBytes(message);
          if (state == State.PROPOSE) {
            onPropose(ctx, message);
          } else {
            onExchange(ctx, message);
          }
        }
      } catch (SecurityHandshakeException e) {
        fail(ctx, e);
        return;
      }
    }
  }

  private void onPropose(ChannelHandlerContext ctx, byte[] message) {
    proposeIn = message;
    SecioProtos.Propose propose;
    try {
      propose = SecioProtos.Propose.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": malformed Propose: " + e.getMessage(), e);
    }
    remoteNonce = propose.getRand().toByteArray();
    if (remoteNonce.length == 0) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": the remote's Propose has no nonce");
    }
    byte[] remoteKeyBytes = propose.getPubkey().toByteArray();
    try {
      remoteKey = PublicKey.unmarshal(remoteKeyBytes);
    } catch (DecodingException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": invalid identity key in Propose: " + e.getMessage(), e);
    }
    parameters.requireExpected(PROTOCOL_ID, PeerId.fromPublicKey(remoteKey));
    order = Proposals.order(parameters.localKey().publicKey().marshal(), nonce, remoteKeyBytes, remoteNonce);
    if (order == 0) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": the remote is this node itself");
    }
    curve = EcdhCurve.bySecioName(choose("exchange", Proposals.EXCHANGES, propose.getExchanges()));
    String cipher = choose("cipher", Proposals.CIPHERS, propose.getCiphers());
    cipherKeySize = cipher.equals("AES-128") ? 16 : 32;
    hmac = choose("hash", Proposals.HASHES, propose.getHashes()).equals("SHA256") ? "HmacSHA256" : "HmacSHA512";

    ephemeral = ephemeralKeys.apply(curve);
    ephemeralOut = curve.encode((ECPublicKey) ephemeral.getPublic());
    byte[] signature = parameters.localKey().sign(concat(proposeOut, proposeIn, ephemeralOut));
    writeFrame(ctx, SecioProtos.Exchange.newBuilder()
        .setEpubkey(ByteString.copyFrom(ephemeralOut))
        .setSignature(ByteString.copyFrom(signature))
        .build()
        .toByteArray());
    state = State.EXCHANGE;
  }

  private String choose(String what, String ours, String theirs) {
    return Proposals.select(order, ours, theirs).orElseThrow(() -> new SecurityHandshakeException(
        PROTOCOL_ID + ": no " + what + " in common: ours " + ours + ", theirs " + theirs));
  }

  private void onExchange(ChannelHandlerContext ctx, byte[] message) {
    SecioProtos.Exchange exchange;
    try {
      exchange = SecioProtos.Exchange.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": malformed Exchange: " + e.getMessage(), e);
    }
    byte[] remoteEphemeral = exchange.getEpubkey().toByteArray();
    if (!remoteKey.verify(concat(proposeIn, proposeOut, remoteEphemeral), exchange.getSignature().toByteArray())) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": peer " + PeerId.fromPublicKey(remoteKey)
          + " did not sign its ephemeral key and the proposals (bad signature)");
    }
    byte[] secret = curve.sharedSecret(ephemeral, remoteEphemeral);
    candidates = new ArrayList<>();
    candidates.add(directions(secret));
    int zeros = 0;
    while (zeros < secret.length - 1 && secret[zeros] == 0) {
      zeros++;
    }
    state = State.FIRST_PACKET;
    if (zeros == 0) {
      sendNonce(ctx, candidates.get(0));
      return;
    }
    candidates.add(directions(Arrays.copyOfRange(secret, zeros, secret.length)));
    if (order > 0) {
      ambiguousTimer = ctx.executor().schedule(() -> {
        if (chosen == null && !isDone()) {
          sendNonce(ctx, candidates.get(0));
        }
      }, AMBIGUOUS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private Directions directions(byte[] secret) {
    StretchedKeys keys = StretchedKeys.stretch(cipherKeySize, hmac, secret);
    StretchedKeys.Keys local = order > 0 ? keys.k1() : keys.k2();
    StretchedKeys.Keys remote = order > 0 ? keys.k2() : keys.k1();
    return new Directions(new SecioCipher(local, hmac, true), new SecioCipher(remote, hmac, false));
  }

  private void sendNonce(ChannelHandlerContext ctx, Directions directions) {
    chosen = directions;
    ByteBuf frame = ctx.alloc().buffer(4 + NONCE_SIZE + 64);
    frame.writeInt(remoteNonce.length + directions.outbound().macLength());
    directions.outbound().seal(Unpooled.wrappedBuffer(remoteNonce), remoteNonce.length, frame);
    ctx.writeAndFlush(frame);
  }

  /** The remote's first packet must be our nonce, under one of the candidate keys. */
  private void onFirstPacket(ChannelHandlerContext ctx, ByteBuf in, int from, int length) {
    Directions match = null;
    for (Directions candidate : chosen != null ? List.of(chosen) : candidates) {
      if (length >= candidate.inbound().macLength() && candidate.inbound().authentic(in, from, length)) {
        match = candidate;
        break;
      }
    }
    if (match == null) {
      throw new SecurityHandshakeException(PROTOCOL_ID + ": the remote's first packet failed authentication"
          + " (the two sides derived different keys, or it was tampered with)");
    }
    int body = length - match.inbound().macLength();
    ByteBuf plain = ctx.alloc().buffer(body);
    try {
      match.inbound().decrypt(in, from, body, plain);
      byte[] echoed = new byte[body];
      plain.readBytes(echoed);
      if (!Arrays.equals(echoed, nonce)) {
        throw new SecurityHandshakeException(PROTOCOL_ID + ": the remote's first packet is not our nonce");
      }
    } finally {
      plain.release();
    }
    if (ambiguousTimer != null) {
      ambiguousTimer.cancel(false);
    }
    if (chosen == null) {
      sendNonce(ctx, match);
    }
    state = State.DONE;
    ctx.pipeline().addAfter(ctx.name(), "secio-decrypt", new SecioFrameDecoder(chosen.inbound(), maxInboundPacket));
    ctx.pipeline().addAfter("secio-decrypt", "secio-encrypt", new SecioFrameEncoder(chosen.outbound()));
    succeed(ctx, new SecureSession(PROTOCOL_ID, parameters.localPeer(), PeerId.fromPublicKey(remoteKey), remoteKey));
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
