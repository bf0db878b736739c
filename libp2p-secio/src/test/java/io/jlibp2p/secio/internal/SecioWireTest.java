package io.jlibp2p.secio.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.EmbeddedChannels;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.secio.internal.pb.SecioProtos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SECIO's pieces against go's vectors, and the handshake and packets between in-memory channels. */
class SecioWireTest {

  private static final int LIMIT = SecioFrameDecoder.SPEC_MAX_PACKET;

  /** Ends the pipeline of each channel made to collect: what passes its handshake handler inbound. */
  private final InboundRecorder inbound = new InboundRecorder();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void release() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** go's output, from js-libp2p-crypto's test/fixtures/go-stretch-key.js. */
  @Test
  void keyStretchingMatchesGo() {
    byte[] secret = bytes(195, 191, 209, 165, 209, 201, 127, 122, 136, 111, 31, 66, 111, 68, 38, 155, 216, 204, 46, 181,
        200, 188, 170, 204, 104, 74, 239, 251, 173, 114, 222, 234);
    StretchedKeys keys = StretchedKeys.stretch(32, "HmacSHA256", secret);
    assertArrayEquals(bytes(208, 132, 203, 169, 253, 52, 40, 83, 161, 91, 17, 71, 33, 136, 67, 96), keys.k1().iv());
    assertArrayEquals(bytes(156, 48, 241, 157, 92, 248, 153, 186, 114, 127, 195, 114, 106, 104, 215, 133, 35, 11, 131,
        137, 123, 70, 74, 26, 15, 60, 189, 32, 67, 221, 115, 137), keys.k1().cipherKey());
    assertArrayEquals(bytes(6, 179, 91, 245, 224, 56, 153, 120, 77, 140, 29, 5, 15, 213, 187, 65, 137, 230, 202, 120),
        keys.k1().macKey());
    assertArrayEquals(bytes(236, 17, 34, 141, 90, 106, 197, 56, 197, 184, 157, 135, 91, 88, 112, 19), keys.k2().iv());
    assertArrayEquals(bytes(151, 145, 195, 219, 76, 195, 102, 109, 187, 231, 100, 150, 132, 245, 251, 130, 254, 37, 178,
        55, 227, 34, 114, 39, 238, 34, 2, 193, 107, 130, 32, 87), keys.k2().cipherKey());
    assertArrayEquals(bytes(3, 229, 77, 212, 241, 217, 23, 113, 220, 126, 38, 255, 18, 117, 108, 205, 198, 89, 1, 236),
        keys.k2().macKey());
  }

  @ParameterizedTest
  @ValueSource(strings = {"P-256", "P-384", "P-521"})
  void ephemeralPointsAreUncompressedAndBothSidesAgree(String name) {
    EcdhCurve curve = EcdhCurve.bySecioName(name);
    KeyPair a = curve.generate();
    KeyPair b = curve.generate();
    byte[] pointA = curve.encode((ECPublicKey) a.getPublic());
    assertEquals(1 + 2 * curve.fieldSize, pointA.length);
    assertEquals(4, pointA[0]);
    assertArrayEquals(curve.sharedSecret(a, curve.encode((ECPublicKey) b.getPublic())), curve.sharedSecret(b, pointA));
  }

  @Test
  void thePreferredSideChoosesItsFirstCommonEntry() {
    assertEquals(Optional.of("AES-256"), Proposals.select(1, "AES-256,AES-128", "AES-128,AES-256"));
    assertEquals(Optional.of("AES-128"), Proposals.select(-1, "AES-256,AES-128", "AES-128,AES-256"));
    assertEquals(Optional.empty(), Proposals.select(1, "P-256", "P-521"));
  }

  // ---------------------------------------------------------------- handshakes between channels

  private EmbeddedChannel channel(SecioHandshakeHandler handler, boolean collect) {
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    channels.add(channel);
    if (collect) {
      channel.pipeline().addLast(inbound);
    }
    return channel;
  }

  private static SecioHandshakeHandler handler(Direction direction, Function<EcdhCurve, KeyPair> ephemeral) {
    return new SecioHandshakeHandler(new HandshakeParameters(PrivateKey.generate(), direction, Optional.empty()), LIMIT, ephemeral);
  }

  /** Moves bytes both ways, and lets scheduled tasks (the ambiguity timer) run, until quiet. */
  private static void converse(EmbeddedChannel a, EmbeddedChannel b) {
    for (int i = 0; i < 10; i++) {
      EmbeddedChannels.shuttle(a, b);
      EmbeddedChannels.shuttle(b, a);
      a.advanceTimeBy(2, TimeUnit.SECONDS);
      b.advanceTimeBy(2, TimeUnit.SECONDS);
      a.runScheduledPendingTasks();
      b.runScheduledPendingTasks();
    }
  }

  private EmbeddedChannel[] handshake() {
    SecioHandshakeHandler a = handler(Direction.OUTBOUND, EcdhCurve::generate);
    SecioHandshakeHandler b = handler(Direction.INBOUND, EcdhCurve::generate);
    EmbeddedChannel initiator = channel(a, false);
    EmbeddedChannel responder = channel(b, true);
    converse(initiator, responder);
    assertEquals(b.session().join().remotePeer(), a.session().join().localPeer());
    return new EmbeddedChannel[] {initiator, responder};
  }

  private static byte[] packetFrom(EmbeddedChannel channel, String text) {
    channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    return EmbeddedChannels.readOutboundBytes(channel);
  }

  @Test
  void packetsCarryLengthThenCiphertextThenHmacSha256() {
    EmbeddedChannel[] pair = handshake();
    byte[] packet = packetFrom(pair[0], "hello");
    assertEquals(4 + 5 + 32, packet.length);
    assertEquals(5 + 32, packet[3]);
    pair[1].writeInbound(Unpooled.wrappedBuffer(packet));
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), inbound.messages.get(0));
  }

  @Test
  void aFlippedCiphertextBitClosesTheConnectionAndDeliversNothing() {
    EmbeddedChannel[] pair = handshake();
    byte[] packet = packetFrom(pair[0], "secret");
    packet[5] ^= 1;
    pair[1].writeInbound(Unpooled.wrappedBuffer(packet));
    assertEquals(List.of(), inbound.messages);
    assertFalse(pair[1].isOpen());
    assertInstanceOf(SecureChannelException.class, inbound.errors.get(0));
    assertTrue(inbound.errors.get(0).getMessage().contains("MAC"), inbound.errors.get(0).getMessage());
  }

  @Test
  void aPacketOverTheLimitClosesTheConnectionBeforeItIsBuffered() {
    EmbeddedChannel[] pair = handshake();
    pair[1].writeInbound(Unpooled.buffer().writeInt(LIMIT + 1).writeZero(100));
    assertFalse(pair[1].isOpen());
    assertTrue(inbound.errors.get(0).getMessage().contains("exceeds the limit"), inbound.errors.get(0).getMessage());
  }

  /**
   * The key stream runs on across packets: the same text encrypts differently each time, and a
   * packet taken out of order still passes its MAC (SECIO has no sequence number) but decrypts
   * to other bytes.
   */
  @Test
  void theKeyStreamRunsOnAcrossPackets() {
    EmbeddedChannel[] pair = handshake();
    byte[] first = packetFrom(pair[0], "same");
    byte[] second = packetFrom(pair[0], "same");
    assertFalse(Arrays.equals(Arrays.copyOfRange(first, 4, 8), Arrays.copyOfRange(second, 4, 8)));
    pair[1].writeInbound(Unpooled.wrappedBuffer(second));
    assertEquals(1, inbound.messages.size());
    assertFalse(Arrays.equals("same".getBytes(StandardCharsets.UTF_8), inbound.messages.get(0)));
  }

  @Test
  void anExchangeSignedOverOtherBytesFailsTheHandshake() throws Exception {
    SecioHandshakeHandler ours = handler(Direction.OUTBOUND, EcdhCurve::generate);
    EmbeddedChannel local = channel(ours, false);
    ScriptedRemote remote = new ScriptedRemote(local);
    remote.propose();
    byte[] exchange = remote.exchange(EcdhCurve.P256.generate(), true);
    local.writeInbound(Unpooled.wrappedBuffer(exchange));
    CompletionException e = assertThrows(CompletionException.class, () -> ours.session().join());
    assertTrue(e.getCause().getMessage().contains("bad signature"), e.getCause().getMessage());
    assertFalse(local.isOpen());
  }

  /** A secret with a leading zero byte, derived by a remote that drops it (go) or keeps it (js). */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aLeadingZeroInTheSecretIsResolvedFromTheRemotesFirstPacket(boolean remoteStrips) {
    SecioHandshakeHandler ours = handler(Direction.OUTBOUND, EcdhCurve::generate);
    EmbeddedChannel local = channel(ours, true);
    ScriptedRemote remote = new ScriptedRemote(local);
    remote.propose();
    KeyPair remoteEphemeral = remote.ephemeralWithLeadingZero();
    local.writeInbound(Unpooled.wrappedBuffer(remote.exchange(remoteEphemeral, false)));
    local.writeInbound(Unpooled.wrappedBuffer(remote.firstPacket(remoteEphemeral, remoteStrips)));

    SecureSession session = ours.session().join();
    assertEquals(remote.peer(), session.remotePeer());
    assertArrayEquals(remote.nonce, remote.openOurFirstPacket(), "we answered in the remote's form");
  }

  /** Two jlibp2p nodes whose secret has a leading zero: the preferred side sends after a wait. */
  @Test
  void twoJlibp2pNodesAgreeOnAnAmbiguousSecret() {
    KeyPair first = EcdhCurve.P256.generate();
    KeyPair second;
    do {
      second = EcdhCurve.P256.generate();
    } while (EcdhCurve.P256.sharedSecret(first, EcdhCurve.P256.encode((ECPublicKey) second.getPublic()))[0] != 0);
    KeyPair secondKey = second;
    SecioHandshakeHandler a = handler(Direction.OUTBOUND, curve -> first);
    SecioHandshakeHandler b = handler(Direction.INBOUND, curve -> secondKey);
    EmbeddedChannel initiator = channel(a, false);
    EmbeddedChannel responder = channel(b, true);
    converse(initiator, responder);
    assertEquals(b.session().join().remotePeer(), a.session().join().localPeer());
    responder.writeInbound(Unpooled.wrappedBuffer(packetFrom(initiator, "through")));
    assertArrayEquals("through".getBytes(StandardCharsets.UTF_8), inbound.messages.get(0));
  }

  /** The other side of a handshake, played by hand to control its ephemeral key and key derivation. */
  private static final class ScriptedRemote {
    final PrivateKey identity = PrivateKey.generate();
    final byte[] nonce = new byte[16];
    private final EmbeddedChannel local;
    private byte[] proposeOut;
    private byte[] proposeIn;
    private byte[] localNonce;
    private byte[] localEphemeral;
    private int order;
    private SecioCipher inbound;

    ScriptedRemote(EmbeddedChannel local) {
      this.local = local;
      new java.security.SecureRandom().nextBytes(nonce);
    }

    io.jlibp2p.crypto.PeerId peer() {
      return io.jlibp2p.crypto.PeerId.fromPublicKey(identity.publicKey());
    }

    private byte[] readFrame() {
      ByteBuf frame = local.readOutbound();
      try {
        byte[] body = new byte[frame.readInt()];
        frame.readBytes(body);
        return body;
      } finally {
        frame.release();
      }
    }

    private static byte[] frame(byte[] body) {
      return ByteBufUtil.getBytes(Unpooled.buffer().writeInt(body.length).writeBytes(body));
    }

    void propose() throws RuntimeException {
      proposeIn = readFrame();
      proposeOut = SecioProtos.Propose.newBuilder().setRand(ByteString.copyFrom(nonce))
          .setPubkey(ByteString.copyFrom(identity.publicKey().marshal()))
          .setExchanges("P-256").setCiphers("AES-256").setHashes("SHA256").build().toByteArray();
      local.writeInbound(Unpooled.wrappedBuffer(frame(proposeOut)));
      try {
        SecioProtos.Propose theirs = SecioProtos.Propose.parseFrom(proposeIn);
        localNonce = theirs.getRand().toByteArray();
        order = Proposals.order(identity.publicKey().marshal(), nonce, theirs.getPubkey().toByteArray(), localNonce);
        localEphemeral = SecioProtos.Exchange.parseFrom(readFrame()).getEpubkey().toByteArray();
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }

    KeyPair ephemeralWithLeadingZero() {
      while (true) {
        KeyPair candidate = EcdhCurve.P256.generate();
        if (EcdhCurve.P256.sharedSecret(candidate, localEphemeral)[0] == 0) {
          return candidate;
        }
      }
    }

    byte[] exchange(KeyPair ephemeral, boolean signWrongBytes) {
      byte[] point = EcdhCurve.P256.encode((ECPublicKey) ephemeral.getPublic());
      byte[] corpus = signWrongBytes ? concat(proposeIn, proposeOut, point) : concat(proposeOut, proposeIn, point);
      return frame(SecioProtos.Exchange.newBuilder().setEpubkey(ByteString.copyFrom(point))
          .setSignature(ByteString.copyFrom(identity.sign(corpus))).build().toByteArray());
    }

    byte[] firstPacket(KeyPair ephemeral, boolean strip) {
      byte[] secret = EcdhCurve.P256.sharedSecret(ephemeral, localEphemeral);
      if (strip) {
        int zeros = 0;
        while (secret[zeros] == 0) {
          zeros++;
        }
        secret = Arrays.copyOfRange(secret, zeros, secret.length);
      }
      StretchedKeys keys = StretchedKeys.stretch(32, "HmacSHA256", secret);
      SecioCipher outbound = new SecioCipher(order > 0 ? keys.k1() : keys.k2(), "HmacSHA256", true);
      inbound = new SecioCipher(order > 0 ? keys.k2() : keys.k1(), "HmacSHA256", false);
      ByteBuf packet = Unpooled.buffer().writeInt(localNonce.length + 32);
      outbound.seal(Unpooled.wrappedBuffer(localNonce), localNonce.length, packet);
      return ByteBufUtil.getBytes(packet);
    }

    byte[] openOurFirstPacket() {
      ByteBuf packet = local.readOutbound();
      try {
        int length = packet.readInt();
        assertTrue(inbound.authentic(packet, 4, length), "our first packet's MAC, in the remote's key form");
        ByteBuf plain = Unpooled.buffer(length - 32);
        inbound.decrypt(packet, 4, length - 32, plain);
        return ByteBufUtil.getBytes(plain);
      } finally {
        packet.release();
      }
    }

    private static byte[] concat(byte[]... parts) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (byte[] part : parts) {
        out.writeBytes(part);
      }
      return out.toByteArray();
    }
  }
}
