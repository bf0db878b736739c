package io.jlibp2p.examples;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Catches SIGINT and SIGTERM, so that a command can close its host and exit 0: a shutdown hook
 * alone would leave the JVM's exit status at 130 or 143. A command installs this once it has
 * started, so that an interrupt while it starts still ends it at once, and before it prints its
 * listen addresses, because a script may signal the moment it has read them.
 */
final class Signals {

  private final CountDownLatch stop = new CountDownLatch(1);

  private Signals() {}

  /** Replaces the JVM's default handling of SIGINT and SIGTERM from now on. */
  static Signals install() {
    Signals signals = new Signals();
    Signal.handle(new Signal("INT"), signal -> signals.stop.countDown());
    Signal.handle(new Signal("TERM"), signal -> signals.stop.countDown());
    return signals;
  }

  /** Returns once SIGINT or SIGTERM has arrived since {@link #install()}. */
  void awaitTermination() throws InterruptedException {
    stop.await();
  }
}
