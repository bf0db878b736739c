package io.jlibp2p.transport.websocket;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.testing.Eventually;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the transport does with each kind of frame and with broken or silent clients, seen from a
 * bare Netty WebSocket client that can send anything.
 */
class WebSocketFramingTest {

  private WebSocketTransport transport = WebSocketTransport.builder()
      .threads(1)
      .maxFrameSize(64 * 1024)
      .maxMessageSize(128 * 1024)
      .handshakeTimeout(Duration.ofMillis(500))
      .build();
  private final InboundRecorder server = new InboundRecorder();

  @AfterEach
  void close() {
    transport.close();
  }

  private int listen() throws Exception {
    TransportListener listener =
        transport.listen(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/ws"), server::attach).get(10, TimeUnit.SECONDS);
    return Integer.parseInt(listener.addresses().get(0).valueOf(MultiaddrProtocol.TCP).orElseThrow());
  }

  private static int closeStatus(FrameClient client) throws InterruptedException {
    while (true) {
      WebSocketFrame frame = client.next();
      try {
        if (frame instanceof CloseWebSocketFrame close) {
          return close.statusCode();
        }
      } finally {
        frame.release();
      }
    }
  }

  @Test
  void fragmentsArriveAsTheBytesOfTheMessageInOrder() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/")) {
      client.send(new BinaryWebSocketFrame(false, 0, Unpooled.copiedBuffer("ab", US_ASCII)));
      client.send(new ContinuationWebSocketFrame(false, 0, Unpooled.copiedBuffer("cd", US_ASCII)));
      client.send(new ContinuationWebSocketFrame(true, 0, Unpooled.copiedBuffer("ef", US_ASCII)));
      client.send(new BinaryWebSocketFrame(Unpooled.copiedBuffer("gh", US_ASCII)));
      Eventually.await("the eight bytes", Duration.ofSeconds(10),
          () -> new String(server.bytes(), US_ASCII), "abcdefgh"::equals);
    }
  }

  @Test
  void anyRequestPathIsServed() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/some/path?x=1")) {
      client.send(new BinaryWebSocketFrame(Unpooled.copiedBuffer("hi", US_ASCII)));
      Eventually.await("the two bytes", Duration.ofSeconds(10), () -> new String(server.bytes(), US_ASCII), "hi"::equals);
    }
  }

  @Test
  void aTextFrameIsRefusedWithCloseStatus1003() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/")) {
      client.send(new TextWebSocketFrame("hello"));
      assertEquals(1003, closeStatus(client));
      assertTrue(client.closedWithin10Seconds());
      WebSocketException e = assertInstanceOf(WebSocketException.class, server.failure.get(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("text frame"), e.getMessage());
    }
  }

  @Test
  void aFrameOverMaxFrameSizeIsRefusedWithCloseStatus1009() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/")) {
      client.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[64 * 1024 + 1])));
      assertEquals(1009, closeStatus(client));
      assertTrue(client.closedWithin10Seconds());
      WebSocketException e = assertInstanceOf(WebSocketException.class, server.failure.get(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("maxFrameSize"), e.getMessage());
      assertEquals(0, server.bytes().length);
    }
  }

  @Test
  void aFragmentedMessageOverMaxMessageSizeIsRefusedWithCloseStatus1009() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/")) {
      client.send(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[60_000])));
      client.send(new ContinuationWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[60_000])));
      client.send(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[60_000])));
      assertEquals(1009, closeStatus(client));
      WebSocketException e = assertInstanceOf(WebSocketException.class, server.failure.get(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("more than 131072 bytes"), e.getMessage());
      assertEquals(120_000, server.bytes().length, "the fragments within the limit were passed on as they came");
    }
  }

  @Test
  void manyMessagesWithinTheLimitsAreFine() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/")) {
      for (int i = 0; i < 10; i++) {
        client.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[4096])));
      }
      Eventually.await("40960 bytes", Duration.ofSeconds(10), () -> server.bytes().length, n -> n == 40960);
      assertFalse(server.failure.isDone());
    }
  }

  @Test
  void aPingIsAnsweredWithAPongCarryingItsData() throws Exception {
    try (FrameClient client = new FrameClient(listen(), "/")) {
      client.send(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", US_ASCII)));
      WebSocketFrame frame = client.next();
      try {
        PongWebSocketFrame pong = assertInstanceOf(PongWebSocketFrame.class, frame);
        assertEquals("are you there", pong.content().toString(US_ASCII));
      } finally {
        frame.release();
      }
    }
  }

  @Test
  void aGracefulCloseDeliversEverythingWrittenThenACloseFrame() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(7).nextBytes(data);
    int port = listen();
    try (FrameClient client = new FrameClient(port, "/")) {
      io.netty.channel.Channel accepted = server.connection.get(10, TimeUnit.SECONDS).channel();
      accepted.write(Unpooled.wrappedBuffer(data));
      accepted.close();
      byte[] received = new byte[data.length];
      int at = 0;
      while (true) {
        WebSocketFrame frame = client.next();
        try {
          if (frame instanceof CloseWebSocketFrame close) {
            assertEquals(1000, close.statusCode());
            break;
          }
          BinaryWebSocketFrame binary = assertInstanceOf(BinaryWebSocketFrame.class, frame);
          assertTrue(binary.content().readableBytes() <= 64 * 1024, "frames of at most 64 KiB");
          int n = binary.content().readableBytes();
          binary.content().readBytes(received, at, n);
          at += n;
        } finally {
          frame.release();
        }
      }
      assertEquals(data.length, at);
      assertArrayEquals(data, received);
    }
  }

  @Test
  void aClientThatSaysNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
    int port = listen();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      long start = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(9));
    }
    assertFalse(server.connection.isDone(), "never handed over");
  }

  /** The headers of a valid upgrade request, after its request line and Host. */
  private static final String UPGRADE_HEADERS = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

  /** What the listener answers {@code request}, sent raw, until it closes the socket. */
  private String answerTo(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", listen())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), US_ASCII);
    }
  }

  @Test
  void anUpgradeRequestWithOversizedHeadersIsRefusedAndClosed() throws Exception {
    String response = answerTo("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE_HEADERS + "X-Padding: "
        + "x".repeat(16 * 1024) + "\r\n\r\n");
    assertTrue(response.isEmpty() || response.startsWith("HTTP/1.1 4"), response);
    assertFalse(server.connection.isDone(), "never handed over");
  }

  @Test
  void framesSentWithTheUpgradeRequestBeforeTheResponseAreDecodedAsFrames() throws Exception {
    int port = listen();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      byte[] request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE_HEADERS + "\r\n").getBytes(US_ASCII);
      // One masked binary frame, FIN, "hello", with the mask 1 2 3 4, in the same write.
      byte[] mask = {1, 2, 3, 4};
      byte[] hello = "hello".getBytes(US_ASCII);
      byte[] frame = new byte[2 + 4 + hello.length];
      frame[0] = (byte) 0x82;
      frame[1] = (byte) (0x80 | hello.length);
      System.arraycopy(mask, 0, frame, 2, 4);
      for (int i = 0; i < hello.length; i++) {
        frame[6 + i] = (byte) (hello[i] ^ mask[i & 3]);
      }
      byte[] both = new byte[request.length + frame.length];
      System.arraycopy(request, 0, both, 0, request.length);
      System.arraycopy(frame, 0, both, request.length, frame.length);
      socket.getOutputStream().write(both);
      socket.getOutputStream().flush();
      Eventually.await("the frame's payload, not its bytes", Duration.ofSeconds(10),
          () -> new String(server.bytes(), US_ASCII), "hello"::equals);
    }
  }

  @Test
  void aRequestThatIsNotAnUpgradeIsRefusedAndClosed() throws Exception {
    String response = answerTo("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 4"), response);
    assertFalse(server.connection.isDone(), "never handed over");
  }

  @Test
  void anUpgradeOfATargetThatIsNotAPathIsAnsweredWith400AndClosed() throws Exception {
    // The deadline would close the socket without a word.
    String response = answerTo("GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE_HEADERS + "\r\n");
    assertTrue(response.startsWith("HTTP/1.1 400"), response);
    assertFalse(server.connection.isDone(), "never handed over");
  }
}
