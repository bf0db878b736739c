package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.jlibp2p.core.security.SecureChannelException;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.testing.ByteBufs;
import io.jlibp2p.testing.DecodingAssertions;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the fuzz targets of the secure channels (noise, secio) share: the fixed identities their
 * seeds were made with, the cutting of an input into writes, a transport decoder fed those writes,
 * and the check that a failure is the declared exception and not one that escaped a decoder. The
 * handshakes themselves are driven by {@link HandshakeSide} and {@link HandshakeShuttle}.
 *
 * <p>Input layout, as {@link FuzzedDataProvider} reads it: numbers from the back, bytes from the
 * front. {@link #chunks} reads a write's size (0 to {@value #MAX_CHUNK}), then that many bytes,
 * until the input is used up.
 *
 * <p>For tests; part of libp2p-core's test-jar.
 */
public final class SecureChannelFuzzing {

  /**
   * The initiator's identity: the Ed25519 key of the seed 01 02 .. 20. The committed seeds hold
   * signatures by it, so it must not change.
   */
  public static final PrivateKey INITIATOR_KEY = key(
      "080112400102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
          + "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664");

  /**
   * The responder's identity: the Ed25519 key of the peer-id spec's test vectors. The committed
   * seeds hold signatures by it, so it must not change.
   */
  public static final PrivateKey RESPONDER_KEY = key(
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
          + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e");

  /** The largest write {@link #chunks} cuts: the largest Noise frame. */
  public static final int MAX_CHUNK = 0xffff;

  private SecureChannelFuzzing() {}

  /** Cuts the rest of the input into writes: a size from the back, then that many bytes. */
  public static List<byte[]> chunks(FuzzedDataProvider data) {
    List<byte[]> chunks = new ArrayList<>();
    while (data.remainingBytes() > 0) {
      chunks.add(data.consumeBytes(data.consumeInt(0, MAX_CHUNK)));
    }
    return chunks;
  }

  /**
   * Cuts the rest of the input into writes ({@link #chunks}) and writes them inbound, one at a
   * time, until the channel closes.
   */
  public static void feedUntilClosed(EmbeddedChannel channel, FuzzedDataProvider data) {
    for (byte[] chunk : chunks(data)) {
      if (!channel.isOpen()) {
        break;
      }
      channel.writeInbound(Unpooled.wrappedBuffer(chunk));
    }
  }

  /**
   * What a transport decoder made of its input: the bytes it was fed (up to and including the write
   * it rejected), the plaintexts it delivered in order, and whether it rejected a write.
   */
  public record DecodedWire(byte[] wire, List<byte[]> delivered, boolean rejected) {}

  /**
   * Feeds a secure channel's transport {@code decoder}, on an {@link EmbeddedChannel}, the rest of
   * the input cut into writes ({@link #chunks}), up to the first write it rejects. Every rejection
   * must be a {@link SecureChannelException} with a message that closes the channel; whether the
   * verdict is right is for the caller's model of the wire, given what this returns.
   *
   * @param input what the decoder reads, for failure messages ("noise transport frames")
   * @param unit what one message on the wire is called ("frame"), for failure messages
   */
  public static DecodedWire decode(FuzzedDataProvider data, ChannelHandler decoder, String input, String unit) {
    List<byte[]> chunks = chunks(data);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    List<byte[]> delivered = new ArrayList<>();
    boolean rejected = false;
    ByteArrayOutputStream fed = new ByteArrayOutputStream();
    try {
      for (byte[] chunk : chunks) {
        if (rejected) {
          break;
        }
        fed.writeBytes(chunk);
        rejected = !DecodingAssertions.acceptsOrRejectsCleanly(
            SecureChannelException.class, input, () -> channel.writeInbound(Unpooled.wrappedBuffer(chunk)));
        Object message;
        while ((message = channel.readInbound()) != null) {
          delivered.add(ByteBufs.take(message));
        }
      }
      if (rejected) {
        assertFalse(channel.isOpen(), "a rejected " + unit + " must close the channel");
      }
    } finally {
      channel.finishAndReleaseAll();
    }
    return new DecodedWire(fed.toByteArray(), delivered, rejected);
  }

  /**
   * Asserts that {@code error} is {@code declared}, with a message, and not the report of an
   * exception that escaped a decoder (which Netty hands to {@code exceptionCaught} wrapped in a
   * {@link DecoderException}, and which a handshake handler would then report as its own failure
   * too): that one is rethrown, for Jazzer to report.
   */
  public static void assertDeclared(Class<? extends RuntimeException> declared, Throwable error) {
    Throwable escaped = error instanceof DecoderException ? error : error.getCause();
    if (escaped instanceof DecoderException) {
      throw new AssertionError("an exception escaped a decoder: " + escaped.getCause(), escaped.getCause());
    }
    DecodingAssertions.assertRejects(declared, () -> {
      throw error;
    });
  }

  private static PrivateKey key(String hex) {
    return PrivateKey.unmarshal(HexFormat.of().parseHex(hex));
  }
}
