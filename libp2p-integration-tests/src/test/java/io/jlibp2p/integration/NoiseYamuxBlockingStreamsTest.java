package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.blocking.BlockingStream;
import io.jlibp2p.core.blocking.BlockingStreams;
import io.jlibp2p.core.blocking.StreamResetIOException;
import io.jlibp2p.testing.Eventually;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link AbstractBlockingStreamsTest} over noise and yamux, whose flow control reaches the writer. */
class NoiseYamuxBlockingStreamsTest extends AbstractBlockingStreamsTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }

  @Test
  void aReaderThatStopsStopsTheWriter() throws Exception {
    CountDownLatch readNow = new CountDownLatch(1);
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      readNow.await();
      received.complete(stream.inputStream().readAllBytes());
    }));
    byte[] sent = random(32 << 20);
    AtomicLong written = new AtomicLong();
    try (BlockingStream stream = open(ECHO)) {
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          for (int offset = 0; offset < sent.length; offset += 16 * 1024) {
            stream.outputStream().write(sent, offset, 16 * 1024);
            written.addAndGet(16 * 1024);
          }
          stream.closeWrite();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, threads);
      long stalledAt = stalled(written);
      // The remote's window (256 KiB to start), what the server's bridge and stream keep, and the
      // client's outbound buffers: far less than the 32 MiB that would go without flow control.
      assertTrue(stalledAt < 4 << 20, "the writer stalled only after " + stalledAt + " bytes");
      readNow.countDown();
      await(writing);
      assertArrayEquals(sent, await(received));
      System.out.println("blocking stream writer stalled after " + stalledAt + " bytes while the reader waited");
    }
  }

  // Flow control makes these writes wait; mplex has none (it resets a stream past its buffer).

  @Test
  void anInterruptedLargeWriteResetsTheStreamAndThrowsInterruptedIOException() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> never.await()));
    try (BlockingStream stream = open(ECHO)) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread writer = new Thread(() -> {
        try {
          stream.outputStream().write(new byte[8 << 20]);   // far past the remote's window: it blocks
          outcome.complete(null);
        } catch (IOException e) {
          outcome.complete(e);
        }
      });
      writer.start();
      Eventually.await("the writer waits", 10, () -> writer.getState() == Thread.State.WAITING);
      writer.interrupt();
      Throwable thrown = await(outcome);
      assertInstanceOf(InterruptedIOException.class, thrown);
      assertTrue(thrown.getMessage().contains("the stream was reset"), thrown.getMessage());
      assertThrows(StreamResetIOException.class, () -> stream.outputStream().write(1));
    } finally {
      never.countDown();
    }
  }

  @Test
  void aWriteTimesOutWhileTheRemoteDoesNotRead() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> never.await()));
    try (BlockingStream stream = open(ECHO)) {
      stream.setWriteTimeout(Duration.ofMillis(300));
      SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> stream.outputStream().write(new byte[8 << 20]));
      assertTrue(e.getMessage().contains("within the write timeout of PT0.3S"), e.getMessage());
      stream.reset();   // what the stream took before the timeout would still go out: abandon it
    } finally {
      never.countDown();
    }
  }

  @Test
  void closeWriteDuringABlockedWriteDoesNotWaitAndEndsTheWritingAfterIt() throws Exception {
    CountDownLatch readNow = new CountDownLatch(1);
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    server.setStreamHandler(ECHO, BlockingStreams.handler(stream -> {
      readNow.await();
      received.complete(stream.inputStream().readAllBytes());
    }));
    byte[] sent = random(8 << 20);
    try (BlockingStream stream = open(ECHO)) {
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        try {
          stream.outputStream().write(sent);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, threads);
      Thread.sleep(300);   // the write is blocked on the remote's window by now
      assertTrue(!writing.isDone(), "the write should be waiting for the remote");
      CompletableFuture.runAsync(stream::closeWrite, threads).get(5, TimeUnit.SECONDS);
      readNow.countDown();
      await(writing);
      assertArrayEquals(sent, await(received), "all of the write, then the end");
    }
  }

  /** Waits until {@code written} stops growing for half a second, and returns it. */
  private static long stalled(AtomicLong written) throws InterruptedException {
    long last = -1;
    while (written.get() != last) {
      last = written.get();
      Thread.sleep(500);
    }
    return last;
  }
}
