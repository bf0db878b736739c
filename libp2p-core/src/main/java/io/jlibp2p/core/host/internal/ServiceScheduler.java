package io.jlibp2p.core.host.internal;

import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One service's view of the host's threads: tasks run on the host's group, and whatever is still
 * pending when the host closes is cancelled. The service cannot shut the group down; only the
 * host's close ends it.
 */
final class ServiceScheduler extends AbstractExecutorService implements ScheduledExecutorService {

  private final EventExecutorGroup group;
  private final Set<Future<?>> pending = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;

  ServiceScheduler(EventExecutorGroup group) {
    this.group = group;
  }

  private <F extends Future<?>> F track(F future) {
    pending.add(future);
    future.addListener(done -> pending.remove(done));
    // A task scheduled while stop() runs may have slipped past the check in requireRunning().
    if (stopped) {
      future.cancel(false);
    }
    return future;
  }

  private void requireRunning() {
    if (stopped) {
      throw new RejectedExecutionException("the host is closed");
    }
  }

  /** Cancels everything pending and refuses new tasks. */
  void stop() {
    stopped = true;
    for (Future<?> future : pending) {
      future.cancel(false);
    }
  }

  @Override
  public void execute(Runnable command) {
    requireRunning();
    // Not a tracked future: submit() and CompletableFuture.runAsync() wrap the task in a future of
    // their own, which a cancelled inner one would leave hanging. A task the close overtakes is
    // skipped; a task that throws is logged by the executor.
    group.execute(() -> {
      if (!stopped) {
        command.run();
      }
    });
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    requireRunning();
    return track(group.schedule(command, delay, unit));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    requireRunning();
    return track(group.schedule(callable, delay, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    requireRunning();
    return track(group.scheduleAtFixedRate(command, initialDelay, period, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    requireRunning();
    return track(group.scheduleWithFixedDelay(command, initialDelay, delay, unit));
  }

  @Override
  public void shutdown() {
    throw new UnsupportedOperationException("a service's scheduler stops when its host closes");
  }

  @Override
  public List<Runnable> shutdownNow() {
    throw new UnsupportedOperationException("a service's scheduler stops when its host closes");
  }

  @Override
  public boolean isShutdown() {
    return stopped;
  }

  @Override
  public boolean isTerminated() {
    return stopped && pending.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (Future<?> future : pending) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !future.await(left, TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return stopped;
  }
}
