package io.jlibp2p.examples;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Waits for SIGINT or SIGTERM, so that a command can close its host and exit 0: a shutdown hook
 * alone would leave the JVM's exit status at 130 or 143.
 */
final class Signals {

  private Signals() {}

  static void awaitTermination() throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    stop.await();
  }
}
