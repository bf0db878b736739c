package io.jlibp2p.core.blocking.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads blocking stream handlers run on by default: a new virtual thread per stream where
 * the JDK has them (21 and later), found by reflection because the library's release level is 17;
 * otherwise a pool of at most {@value #MAX_PLATFORM_THREADS} daemon threads, which refuses a stream
 * beyond that rather than queue it behind streams that may never end.
 */
public final class HandlerThreads {

  /** The most platform threads the fallback pool runs at once. */
  public static final int MAX_PLATFORM_THREADS = 256;

  /**
   * The names of the handler threads start so. They belong to no host (the pool is the process's),
   * so a host's close does not end them: idle platform threads end 30 s later.
   */
  public static final String THREAD_NAME_PREFIX = "jlibp2p-stream-";

  private static final Logger log = LoggerFactory.getLogger(HandlerThreads.class);

  private static final ExecutorService VIRTUAL = virtualThreadPerTask();

  private HandlerThreads() {}

  /** Whether this JDK runs each handler on a virtual thread of its own. */
  public static boolean virtual() {
    return VIRTUAL != null;
  }

  /** The shared executor: virtual threads, or the bounded pool. Never shut down; its threads are daemons. */
  public static Executor shared() {
    return VIRTUAL != null ? VIRTUAL : PlatformPool.POOL;
  }

  /** Created only where there are no virtual threads. */
  private static final class PlatformPool {
    static final ThreadPoolExecutor POOL = platformPool();
  }

  private static ThreadPoolExecutor platformPool() {
    AtomicLong count = new AtomicLong();
    ThreadFactory daemons = task -> {
      Thread thread = new Thread(task, THREAD_NAME_PREFIX + count.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
    // No queue: a stream waits for no other stream to end; past the bound the handler is refused.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        0, MAX_PLATFORM_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), daemons);
    log.debug("no virtual threads on Java {}: blocking stream handlers run on at most {} platform threads",
        Runtime.version().feature(), MAX_PLATFORM_THREADS);
    return pool;
  }

  /**
   * {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jlibp2p-stream-", 0).factory())},
   * or null before Java 21 (on 19 and 20 virtual threads are a preview, and refuse to start).
   */
  private static ExecutorService virtualThreadPerTask() {
    if (Runtime.version().feature() < 21) {
      return null;
    }
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      builder = builderType.getMethod("name", String.class, long.class).invoke(builder, THREAD_NAME_PREFIX, 0L);
      ThreadFactory factory = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
      return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
          .invoke(null, factory);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("Java {} should have virtual threads, but they could not be made; blocking stream handlers run"
          + " on platform threads", Runtime.version().feature(), e);
      return null;
    }
  }
}
