package io.jlibp2p.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Checks that a component's threads are gone once it has closed. */
public final class Threads {

  private Threads() {}

  /**
   * Waits, up to {@code timeout} in all, for every live thread whose name starts with {@code
   * namePrefix} to end, and returns the names of those still alive: none, for a component that
   * stops its threads. A thread's end trails the shutdown future of its event loop by a moment,
   * so a check right after {@code close()} must wait for it.
   */
  public static List<String> awaitEnd(String namePrefix, Duration timeout) throws InterruptedException {
    return awaitEnd(namePrefix, name -> false, timeout);
  }

  /**
   * As {@link #awaitEnd(String, Duration)}, leaving out the threads whose names {@code except}
   * accepts: those of a process-wide pool that no component owns.
   */
  public static List<String> awaitEnd(String namePrefix, Predicate<String> except, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> alive = new ArrayList<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(namePrefix) && !except.test(thread.getName())) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        if (thread.isAlive()) {
          alive.add(thread.getName());
        }
      }
    }
    return alive;
  }
}
