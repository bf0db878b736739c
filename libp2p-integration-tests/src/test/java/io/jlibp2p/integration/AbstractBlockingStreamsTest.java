package io.jlibp2p.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.blocking.BlockingStream;
import io.jlibp2p.core.blocking.BlockingStreams;
import io.jlibp2p.core.blocking.StreamResetIOException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.core.protocol.RequestResponse;
import io.jlibp2p.testing.Eventually;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BlockingStreams} between two hosts of one stack: what a socket-style protocol needs, each
 * way a stream ends, and the mistakes that must fail loudly.
 */
@Timeout(60)
abstract class AbstractBlockingStreamsTest extends AbstractHostPairTest {

  static final String ECHO = "/test/blocking-echo/1.0.0";

  /** How much {@link #severalMebibytesArriveWholeWhileBothSidesWrite} echoes. */
  protected int echoBytes() {
    return 8 << 20;
  }

  /** The client's own threads, for what a test does beside its main thread. */
  protected final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  /** Serves {@link #ECHO} on the server: everything read is written back, until the end. */
  protected void serveEcho() {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> stream.inputStream().transferTo(stream.outputStream())));
  }

  protected BlockingStream open(String protocol) throws Exception {
    return await(BlockingStreams.open(client, serverAddress(), protocol));
  }

  protected static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static int available(InputStream in) {
    try {
      return in.available();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  protected void awaitNoStreams() throws InterruptedException {
    Eventually.await("every stream closes", 10, () -> server.connections().stream().mapToInt(Connection::openStreams).sum() == 0
        && client.connections().stream().mapToInt(Connection::openStreams).sum() == 0);
  }

  @Test
  void aRequestIsEchoedToItsEnd() throws Exception {
    serveEcho();
    try (BlockingStream stream = open(ECHO)) {
      stream.outputStream().write("hello".getBytes(UTF_8));
      stream.closeWrite();
      assertEquals("hello", new String(stream.inputStream().readAllBytes(), UTF_8));
      assertEquals(-1, stream.inputStream().read(), "the end stays the end");
    }
    awaitNoStreams();
  }

  @Test
  void severalMebibytesArriveWholeWhileBothSidesWrite() throws Exception {
    serveEcho();
    byte[] sent = random(echoBytes());
    try (BlockingStream stream = open(ECHO)) {
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          stream.outputStream().write(sent);
          stream.closeWrite();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, threads);
      byte[] received = stream.inputStream().readAllBytes();
      await(writing);
      assertArrayEquals(sent, received);
    }
    awaitNoStreams();
  }

  @Test
  void anArrayRewrittenAfterEachLargeWriteArrivesAsItWasWhenWritten() throws Exception {
    int size = 1 << 20;
    int messages = 16;
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> received.complete(stream.inputStream().readAllBytes())));
    byte[] buffer = new byte[size];
    try (BlockingStream stream = open(ECHO)) {
      for (int i = 0; i < messages; i++) {
        Arrays.fill(buffer, (byte) i);
        stream.outputStream().write(buffer);   // large: the array is lent, and must be back when this returns
      }
      stream.closeWrite();
      byte[] all = await(received);
      assertEquals(messages * size, all.length);
      for (int i = 0; i < messages; i++) {
        for (int j = i * size; j < (i + 1) * size; j++) {
          if (all[j] != (byte) i) {
            fail("byte " + j + " of message " + i + " is " + all[j] + ": the array was reused while still lent");
          }
        }
      }
    }
  }

  @Test
  void messagesGoBothWaysWithTheirLengthPrefixes() throws Exception {
    byte[] large = random(3 << 20);
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      byte[] message;
      while ((message = stream.readMessage(4 << 20)) != null) {
        stream.writeMessage(message);
      }
    }));
    try (BlockingStream stream = open(ECHO)) {
      for (byte[] message : List.of(new byte[0], "one".getBytes(UTF_8), large)) {
        stream.writeMessage(message);
        assertArrayEquals(message, stream.readMessage(4 << 20));
      }
      stream.closeWrite();
      assertNull(stream.readMessage(16), "the remote ended between messages");
    }
  }

  @Test
  void aMessageOverTheLimitFailsAsItsPrefixArrives() throws Exception {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> stream.writeMessage(new byte[17])));
    try (BlockingStream stream = open(ECHO)) {
      IOException e = assertThrows(IOException.class, () -> stream.readMessage(16));
      assertEquals("a message of 17 bytes exceeds the limit of 16", e.getMessage());
      assertInstanceOf(LimitExceededException.class, e.getCause());
    }
  }

  @Test
  void aStreamThatEndsInsideAMessageFailsWithEofException() throws Exception {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> stream.outputStream().write(new byte[] {5, 'a', 'b'})));
    try (BlockingStream stream = open(ECHO)) {
      EOFException e = assertThrows(EOFException.class, () -> stream.readMessage(16));
      assertEquals("the stream ended inside a message: 2 of its 5 bytes arrived", e.getMessage());
    }
  }

  @Test
  void messagesAreFramedAsRequestResponseFramesThem() throws Exception {
    String upper = "/test/upper/1.0.0";
    server.setStreamHandler(upper, BlockingStreams.handler(stream -> {
      byte[] request = stream.readMessage(1024);
      stream.writeMessage(new String(request, UTF_8).toUpperCase(Locale.ROOT).getBytes(UTF_8));
    }));
    RequestResponse asking = RequestResponse.builder(upper).build();
    RequestResponse serving = RequestResponse.builder(upper)
        .serve(request -> new String(request, UTF_8).toLowerCase(Locale.ROOT).getBytes(UTF_8))
        .build();
    try (Host asker = serving(stack().builder().service(asking));
        Host responder = serving(stack().builder().service(serving))) {
      asker.start().join();
      responder.start().join();
      await(asker.dial(serverAddress()));
      assertEquals("HELLO", new String(await(asking.request(server.peerId(), "hello".getBytes(UTF_8))), UTF_8),
          "a RequestResponse client, a blocking server");
      try (BlockingStream stream = await(BlockingStreams.open(client, responder.listenAddresses().get(0), upper))) {
        stream.writeMessage("WORLD".getBytes(UTF_8));
        stream.closeWrite();
        assertEquals("world", new String(stream.readMessage(1024), UTF_8), "a blocking client, a RequestResponse server");
        assertNull(stream.readMessage(1024));
      }
    }
  }

  @Test
  void theHandlerSeesTheProtocolThePeerAndTheConnection() throws Exception {
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> seen.complete(
        List.of(stream.protocol(), stream.remotePeer(), stream.connection().remotePeer(), Thread.currentThread().isDaemon()))));
    try (BlockingStream stream = open(ECHO)) {
      assertEquals(-1, stream.inputStream().read(), "the handler returned: the stream ends");
      assertEquals(ECHO, stream.protocol());
      assertEquals(server.peerId(), stream.remotePeer());
    }
    List<Object> facts = await(seen);
    assertEquals(List.of(ECHO, client.peerId(), client.peerId()), facts.subList(0, 3));
    assertEquals(true, facts.get(3), "handler threads never keep the JVM alive");
  }

  @Test
  void whatAHandlerWritesJustBeforeItReturnsIsDelivered() throws Exception {
    byte[] reply = random(2 << 20);
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> stream.outputStream().write(reply)));
    try (BlockingStream stream = open(ECHO)) {
      assertArrayEquals(reply, stream.inputStream().readAllBytes());
    }
    awaitNoStreams();
  }

  @Test
  void aHandlerThatThrowsResetsTheStream() throws Exception {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      throw new IllegalStateException("the handler's own bug (this WARN is expected)");
    }));
    try (BlockingStream stream = open(ECHO)) {
      assertThrows(StreamResetIOException.class, () -> stream.inputStream().read());
    }
    awaitNoStreams();
  }

  @Test
  void aResetFailsEveryReadAndWriteThatFollows() throws Exception {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      stream.inputStream().read();
      stream.reset();
    }));
    try (BlockingStream stream = open(ECHO)) {
      stream.outputStream().write(1);
      StreamResetIOException e = assertThrows(StreamResetIOException.class, () -> stream.inputStream().read());
      assertTrue(e.getMessage().contains("reset"), e.getMessage());
      assertThrows(StreamResetIOException.class, () -> stream.inputStream().read());
      assertThrows(StreamResetIOException.class, () -> stream.outputStream().write(2));
    }
    awaitNoStreams();
  }

  @Test
  void resettingHereFailsTheRemotesReads() throws Exception {
    CompletableFuture<Throwable> remote = new CompletableFuture<>();
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      try {
        stream.inputStream().readAllBytes();
        remote.complete(null);
      } catch (IOException e) {
        remote.complete(e);
      }
    }));
    BlockingStream stream = open(ECHO);
    stream.outputStream().write(random(1000));
    stream.reset();
    assertInstanceOf(StreamResetIOException.class, await(remote));
    assertThrows(StreamResetIOException.class, () -> stream.inputStream().read());
    awaitNoStreams();
  }

  @Test
  void blockingOnAnEventLoopFailsSayingWhy() throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    server.setStreamHandler(ECHO, raw -> {
      BlockingStream stream = BlockingStreams.attach(raw);
      try {
        stream.inputStream().read();
        outcome.complete(null);
      } catch (IOException | RuntimeException e) {
        outcome.complete(e);
      }
      stream.close();
    });
    try (BlockingStream stream = open(ECHO)) {
      stream.outputStream().write(1);
      IllegalStateException e = assertInstanceOf(IllegalStateException.class, await(outcome));
      assertTrue(e.getMessage().startsWith("BlockingStream read on the Netty thread"), e.getMessage());
    }
  }

  @Test
  void writingAfterCloseWriteFails() throws Exception {
    serveEcho();
    try (BlockingStream stream = open(ECHO)) {
      stream.outputStream().write(1);
      stream.outputStream().close();
      IOException e = assertThrows(IOException.class, () -> stream.outputStream().write(2));
      assertTrue(e.getMessage().endsWith("is closed for writing"), e.getMessage());
      assertArrayEquals(new byte[] {1}, stream.inputStream().readAllBytes(), "still readable");
    }
  }

  @Test
  void aReadTimesOutAndTheStreamLivesOn() throws Exception {
    serveEcho();
    try (BlockingStream stream = open(ECHO)) {
      stream.setReadTimeout(Duration.ofMillis(200));
      SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> stream.inputStream().read());
      assertTrue(e.getMessage().contains("within the read timeout of PT0.2S"), e.getMessage());
      stream.setReadTimeout(Duration.ZERO);
      stream.outputStream().write(7);
      assertEquals(7, stream.inputStream().read());
    }
  }

  @Test
  void anInterruptedReadThrowsInterruptedIOException() throws Exception {
    serveEcho();
    try (BlockingStream stream = open(ECHO)) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try {
          stream.inputStream().read();
          outcome.complete(null);
        } catch (IOException e) {
          outcome.complete(e);
        }
      });
      reader.start();
      Eventually.await("the reader waits", 10, () -> reader.getState() == Thread.State.WAITING);
      reader.interrupt();
      assertInstanceOf(InterruptedIOException.class, await(outcome));
    }
  }

  @Test
  void aProtocolTheRemoteDoesNotServeFailsNamingIt() throws Exception {
    serveEcho();
    try {
      BlockingStream stream = open("/test/nobody/1.0.0");
      // A single protocol is proposed optimistically: the refusal comes with the first read.
      IOException e = assertThrows(IOException.class, () -> stream.inputStream().read());
      ProtocolNegotiationException cause = assertInstanceOf(ProtocolNegotiationException.class, e.getCause());
      assertTrue(cause.getMessage().contains("/test/nobody/1.0.0"), cause.getMessage());
    } catch (ExecutionException e) {
      ProtocolNegotiationException cause = assertInstanceOf(ProtocolNegotiationException.class, e.getCause());
      assertTrue(cause.getMessage().contains("/test/nobody/1.0.0"), cause.getMessage());
    }
    awaitNoStreams();
  }

  @Test
  void aStreamNoThreadTakesIsReset() throws Exception {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> fail("never runs"), task -> {
      throw new RejectedExecutionException("no thread for it (this WARN is expected)");
    }));
    try (BlockingStream stream = open(ECHO)) {
      assertThrows(StreamResetIOException.class, () -> stream.inputStream().read());
    }
    awaitNoStreams();
  }

  @Test
  void manyStreamsAtOnceEachGetTheirOwnEcho() throws Exception {
    serveEcho();
    await(client.dial(serverAddress()));
    List<CompletableFuture<Void>> exchanges = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] sent = random(16 * 1024 + i);
      exchanges.add(CompletableFuture.runAsync(() -> {
        try (BlockingStream stream = open(ECHO)) {
          stream.outputStream().write(sent);
          stream.closeWrite();
          assertArrayEquals(sent, stream.inputStream().readAllBytes());
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, threads));
    }
    await(CompletableFuture.allOf(exchanges.toArray(CompletableFuture[]::new)));
    assertEquals(1, client.connections().size(), "one connection carried them all");
    awaitNoStreams();
  }

  @Test
  void availableCountsWhatArrivedAndIsUnread() throws Exception {
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      stream.outputStream().write(random(1000));
      stream.inputStream().read();
    }));
    try (BlockingStream stream = open(ECHO)) {
      InputStream in = stream.inputStream();
      Eventually.await("the reply arrives", 10, () -> stream.stream().isOpen() && available(in) == 1000);
      assertEquals(1000, in.readNBytes(1000).length);
      assertEquals(0, in.available());
    }
  }
}
