package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadsTest {

  @Test
  void waitsForAThreadThatIsEnding() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread ending = new Thread(() -> awaitQuietly(release), "threads-test-ending");
    ending.start();
    release.countDown();
    assertEquals(List.of(), Threads.awaitEnd("threads-test-ending", Duration.ofSeconds(10)));
  }

  @Test
  void namesAThreadThatOutlivesTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread lingering = new Thread(() -> awaitQuietly(release), "threads-test-lingering");
    lingering.start();
    try {
      // The timeout passing is what this checks, so it waits it out, briefly.
      assertEquals(List.of("threads-test-lingering"), Threads.awaitEnd("threads-test-lingering", Duration.ofMillis(50)));
    } finally {
      release.countDown();
      lingering.join();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
