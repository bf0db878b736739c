package io.jlibp2p.integration;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for something another host or process does in its own time, such as a push arriving. */
final class Eventually {

  private Eventually() {}

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@code seconds}. */
  static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
