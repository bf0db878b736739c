package io.jlibp2p.transport.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.websocket.WebSocketException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A Jazzer fuzz target for the listening side of the WebSocket transport: its whole pipeline
 * (HTTP codec, Netty's WebSocket protocol handler, {@link BinaryFrameCodec}, {@link
 * UpgradeActivation}) on an {@link EmbeddedChannel}, fed a stranger's bytes in chunks.
 *
 * <p>The input's first byte picks a mode: raw bytes from the start (the HTTP request itself is
 * fuzzed), a valid upgrade request and then raw bytes, or a valid upgrade request and then frames
 * the input describes, for which a model of RFC 6455 and the transport's limits predicts the
 * outcome. Its second byte is the size of the chunks the bytes arrive in. A frame is described by
 * an op byte (its low 3 bits the kind: binary, continuation, text, ping, pong, close, unmasked
 * binary, or raw bytes to the end; bit 3 the FIN bit), a 16-bit length, and that many payload bytes.
 *
 * <p>What it checks: the only failure that reaches the connection's handlers is a {@link
 * WebSocketException} with a message; for described frames, exactly the payloads of the data frames
 * before the first violation arrive, in order, the connection fails exactly when the model says it
 * must and closes then (or after the peer's close frame), and stays open otherwise (a connection
 * whose frames break a rule in the read that carried the upgrade request is closed before it is
 * handed over, and never otherwise); no buffer leaks
 * (the leak detector reports it, at paranoid level when the inputs are replayed).
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/transport/websocket/internal/WebSocketFuzzTestInputs/serverPipeline/}.
 * To fuzz it:
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o test -pl libp2p-transport-websocket -Ddocs.phase=none \
 *     -Dtest='WebSocketFuzzTest#serverPipeline'
 * </pre>
 */
class WebSocketFuzzTest {

  private static final int MAX_FRAME = 1024;
  private static final long MAX_MESSAGE = 4096;
  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};
  private static final WebSocketAddress LISTENING =
      WebSocketAddress.parseListenable(Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001/ws"));
  private static final WebSocketPipelines PIPELINES =
      new WebSocketPipelines(MAX_FRAME, MAX_MESSAGE, 2048, Duration.ofSeconds(10));
  static final byte[] UPGRADE = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:4001\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
      .getBytes(StandardCharsets.US_ASCII);

  private enum Kind { BINARY, CONTINUATION, TEXT, PING, PONG, CLOSE, UNMASKED_BINARY, RAW }

  /** What the model expects of described frames. */
  private enum Outcome { OPEN, FAILED, CLOSED_BY_PEER, UNKNOWN }

  @FuzzTest(maxDuration = "60s")
  void serverPipeline(byte[] input) {
    if (input.length < 2) {
      return;
    }
    int mode = (input[0] & 0xff) % 3;
    int chunk = (input[1] & 0xff) + 1;
    byte[] rest = Arrays.copyOfRange(input, 2, input.length);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Outcome outcome = Outcome.UNKNOWN;
    if (mode == 0) {
      wire.writeBytes(rest);
    } else {
      wire.writeBytes(UPGRADE);
      outcome = mode == 1 ? Outcome.UNKNOWN : describe(rest, wire, expected);
      if (mode == 1) {
        wire.writeBytes(rest);
      }
    }

    Recorder recorder = new Recorder();
    EmbeddedChannel channel = new TcpLikeChannel(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        PIPELINES.server(ch, LISTENING, null, raw -> raw.channel().pipeline().addLast(recorder));
      }
    });
    try {
      byte[] bytes = wire.toByteArray();
      for (int at = 0; at < bytes.length && channel.isOpen(); at += chunk) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(chunk, bytes.length - at)));
        releaseOutbound(channel);
      }
      channel.checkException();
      if (recorder.failure != null) {
        WebSocketException failure = assertInstanceOf(WebSocketException.class, recorder.failure, "the one failure type");
        assertFalse(failure.getMessage() == null || failure.getMessage().isBlank(), "a message");
        assertFalse(channel.isOpen(), "a failure closes the connection");
      }
      if (mode == 2 && !recorder.connected) {
        // Frames in the same read as the upgrade request are decoded before the handover, so one
        // that breaks a rule refuses the connection before anyone has it.
        assertTrue(outcome != Outcome.OPEN, "a valid upgrade with valid frames is handed over");
        assertFalse(channel.isOpen(), "a connection not handed over is closed");
      } else if (mode == 2) {
        byte[] received = recorder.bytes.toByteArray();
        byte[] model = expected.toByteArray();
        switch (outcome) {
          case OPEN -> {
            assertNull(recorder.failure, "no failure");
            assertTrue(channel.isOpen(), "still open");
            assertArrayEquals(model, received, "the data frames' payloads, in order");
          }
          case FAILED -> {
            assertInstanceOf(WebSocketException.class, recorder.failure, "fails");
            assertArrayEquals(model, received, "the payloads before the violation");
          }
          case CLOSED_BY_PEER -> {
            assertNull(recorder.failure, "a close frame is no failure");
            assertFalse(channel.isOpen(), "closed after the peer's close frame");
            assertArrayEquals(model, received, "the payloads before the close frame");
          }
          case UNKNOWN -> assertArrayEquals(model, Arrays.copyOf(received, Math.min(received.length, model.length)),
              "the payloads before the raw bytes come first");
        }
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * Writes the frames {@code description} describes to {@code wire}, and the payloads the
   * connection must pass on to {@code expected}; returns the outcome RFC 6455 and the limits give.
   */
  private static Outcome describe(byte[] description, ByteArrayOutputStream wire, ByteArrayOutputStream expected) {
    boolean fragmented = false;
    long messageSize = 0;
    int at = 0;
    while (at + 3 <= description.length) {
      int op = description[at] & 0xff;
      Kind kind = Kind.values()[op & 7];
      boolean fin = (op & 8) != 0;
      int length = ((description[at + 1] & 0xff) << 8) | (description[at + 2] & 0xff);
      at += 3;
      byte[] payload = Arrays.copyOfRange(description, at, Math.min(description.length, at + length));
      at += payload.length;
      if (kind == Kind.RAW) {
        wire.writeBytes(payload);
        return Outcome.UNKNOWN;
      }
      boolean control = kind == Kind.PING || kind == Kind.PONG || kind == Kind.CLOSE;
      if (kind == Kind.CLOSE) {
        // A close frame with status 1000 and no reason: the frame's other fields are not fuzzed.
        payload = new byte[] {0x03, (byte) 0xe8};
        fin = true;
      }
      wire.writeBytes(frame(kind, control || fin, payload));
      if (kind == Kind.UNMASKED_BINARY || payload.length > MAX_FRAME) {
        return Outcome.FAILED;
      }
      switch (kind) {
        case CLOSE -> {
          return Outcome.CLOSED_BY_PEER;
        }
        case PING, PONG -> {
          if (payload.length > MAX_CONTROL_PAYLOAD) {
            return Outcome.FAILED;
          }
        }
        case TEXT -> {
          return Outcome.FAILED;
        }
        case BINARY, CONTINUATION -> {
          if (fragmented == (kind == Kind.BINARY)) {
            return Outcome.FAILED; // a new message inside a fragmented one, or a continuation of none
          }
          messageSize = (kind == Kind.BINARY ? 0 : messageSize) + payload.length;
          if (messageSize > MAX_MESSAGE) {
            return Outcome.FAILED;
          }
          expected.writeBytes(payload);
          fragmented = !fin;
        }
        default -> throw new AssertionError(kind);
      }
    }
    return Outcome.OPEN;
  }

  /** One client frame as RFC 6455 section 5.2 lays it out, masked unless it is {@code UNMASKED_BINARY}. */
  private static byte[] frame(Kind kind, boolean fin, byte[] payload) {
    int opcode = switch (kind) {
      case CONTINUATION -> 0x0;
      case TEXT -> 0x1;
      case BINARY, UNMASKED_BINARY -> 0x2;
      case CLOSE -> 0x8;
      case PING -> 0x9;
      case PONG -> 0xa;
      case RAW -> throw new IllegalArgumentException("raw bytes are no frame");
    };
    boolean masked = kind != Kind.UNMASKED_BINARY;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      out.write(maskBit | payload.length);
    } else {
      out.write(maskBit | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    }
    if (masked) {
      out.writeBytes(MASK);
    }
    for (int i = 0; i < payload.length; i++) {
      out.write(masked ? payload[i] ^ MASK[i & 3] : payload[i]);
    }
    return out.toByteArray();
  }

  private static void releaseOutbound(EmbeddedChannel channel) {
    Object written;
    while ((written = channel.readOutbound()) != null) {
      ReferenceCountUtil.release(written);
    }
  }

  /** An embedded channel with the socket addresses a TCP socket has, which the handover reads. */
  private static final class TcpLikeChannel extends EmbeddedChannel {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 4001);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50000);

    TcpLikeChannel(ChannelInitializer<Channel> initializer) {
      super(initializer);
    }

    @Override
    protected SocketAddress localAddress0() {
      return isActive() ? LOCAL : null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return isActive() ? REMOTE : null;
    }
  }

  /** What reaches the connection's handlers: the handover, its bytes, its failure. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean connected;
    Throwable failure;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      connected = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buffer = (ByteBuf) msg;
      try {
        byte[] copy = new byte[buffer.readableBytes()];
        buffer.readBytes(copy);
        bytes.writeBytes(copy);
      } finally {
        buffer.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (failure == null) {
        failure = cause;
      }
    }
  }
}
