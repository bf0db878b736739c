package io.jlibp2p.plaintext;

import static io.jlibp2p.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PrivateKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** plaintext/2.0.0 byte for byte, with the peer-id spec's Ed25519 key. */
class PlaintextWireTest {

  private static final String KEY_PROTOBUF =
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
  private static final String PUBLIC_KEY =
      "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

  /** uvarint(78) || Exchange{id: identity multihash of the key, pubkey: the key}. */
  private static final String EXCHANGE = "4e" + "0a26" + "0024" + PUBLIC_KEY + "1224" + PUBLIC_KEY;

  private EmbeddedChannel channel;

  @AfterEach
  void release() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private SecureChannel.Handshake start(PrivateKey key) {
    SecureChannel.Handshake handshake =
        new PlaintextSecureChannel().handshake(new HandshakeParameters(key, Direction.OUTBOUND, Optional.empty()));
    channel = new EmbeddedChannel(handshake.handler());
    return handshake;
  }

  @Test
  void sendsTheSpecExchange() {
    start(PrivateKey.unmarshal(hex(KEY_PROTOBUF)));
    ByteBuf sent = channel.readOutbound();
    try {
      assertEquals(EXCHANGE, ByteBufUtil.hexDump(sent));
    } finally {
      sent.release();
    }
  }

  @Test
  void acceptsTheSpecExchangeAndPassesOnWhatFollows() {
    SecureChannel.Handshake handshake = start(PrivateKey.generate());
    channel.writeInbound(Unpooled.wrappedBuffer(hex(EXCHANGE + "cafe")));
    SecureSession session = handshake.session().join();
    assertEquals("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq", session.remotePeer().toString());
    ByteBuf after = channel.readInbound();
    try {
      assertEquals("cafe", ByteBufUtil.hexDump(after));
    } finally {
      after.release();
    }
  }

  @Test
  void idThatIsNotTheKeysIsRejected() {
    SecureChannel.Handshake handshake = start(PrivateKey.generate());
    String otherId = "0024" + "08011220" + "00".repeat(32);
    channel.writeInbound(Unpooled.wrappedBuffer(hex("4e" + "0a26" + otherId + "1224" + PUBLIC_KEY)));
    CompletionException e = assertThrows(CompletionException.class, () -> handshake.session().join());
    SecurityHandshakeException failure = assertInstanceOf(SecurityHandshakeException.class, e.getCause());
    assertTrue(failure.getMessage().contains("claims peer"), failure.getMessage());
    assertFalse(channel.isOpen());
  }

  @Test
  void oversizedExchangeIsRejectedBeforeItArrives() {
    SecureChannel.Handshake handshake = start(PrivateKey.generate());
    channel.writeInbound(Unpooled.wrappedBuffer(hex("ffff7f")));
    CompletionException e = assertThrows(CompletionException.class, () -> handshake.session().join());
    assertTrue(e.getCause().getMessage().contains("limit"), e.getCause().getMessage());
    assertFalse(channel.isOpen());
  }

  @Test
  void exchangeWithoutAKeyIsRejected() {
    SecureChannel.Handshake handshake = start(PrivateKey.generate());
    channel.writeInbound(Unpooled.wrappedBuffer(hex("28" + "0a26" + "0024" + PUBLIC_KEY)));
    CompletionException e = assertThrows(CompletionException.class, () -> handshake.session().join());
    assertInstanceOf(SecurityHandshakeException.class, e.getCause());
  }
}
