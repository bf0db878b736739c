package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.blocking.BlockingStream;
import io.jlibp2p.core.blocking.BlockingStreams;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
