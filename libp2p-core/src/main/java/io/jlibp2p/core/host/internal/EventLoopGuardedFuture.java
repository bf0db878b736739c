package io.jlibp2p.core.host.internal;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A future the host hands out that refuses to be waited for on a Netty thread while it is not
 * complete. Such a wait blocks an event loop, and hangs for ever when the host needs that very
 * loop to complete the future (a stream handler calling {@code newStream(...).join()}); Netty's own
 * futures refuse it the same way, with {@code BlockingOperationException}. A complete future's
 * {@code join()} and {@code get()} answer anywhere. Stages chained from it ({@code thenApply} and
 * the like) are guarded too; {@code allOf}, {@code anyOf} and {@code toCompletableFuture()} of a
 * minimal stage give plain futures.
 */
public final class EventLoopGuardedFuture<T> extends CompletableFuture<T> {

  private final String operation;

  private EventLoopGuardedFuture(String operation) {
    this.operation = operation;
  }

  /** A guarded future that completes as {@code source} does; {@code operation} names the call, such as {@code newStream}. */
  public static <T> CompletableFuture<T> of(String operation, CompletableFuture<? extends T> source) {
    EventLoopGuardedFuture<T> guarded = new EventLoopGuardedFuture<>(operation);
    source.whenComplete((value, error) -> {
      if (error != null) {
        guarded.completeExceptionally(Futures.unwrap(error));
      } else {
        guarded.complete(value);
      }
    });
    return guarded;
  }

  /** A guarded future for the host to complete itself. */
  public static <T> CompletableFuture<T> incomplete(String operation) {
    return new EventLoopGuardedFuture<>(operation);
  }

  /**
   * Whether this thread runs a Netty event loop (a transport's, whose connections and streams it
   * serves, or the host's own). Other threads, a Netty {@code DefaultEventExecutorGroup}'s
   * included, may wait.
   */
  public static boolean onNettyThread() {
    return ThreadExecutorMap.currentExecutor() instanceof EventLoop;
  }

  private void refuseToBlock(String call) {
    if (!isDone() && onNettyThread()) {
      throw new IllegalStateException(call + " on the future of " + operation + ", which is not complete, on the Netty"
          + " thread " + Thread.currentThread().getName() + " (a stream handler, an event listener or a service timer):"
          + " that would block its event loop, and wait for ever if the host needs that loop to complete it."
          + " Chain the rest with thenAccept, thenCompose or whenComplete instead, or wait on a thread of your own");
    }
  }

  @Override
  public T join() {
    refuseToBlock("join()");
    return super.join();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    refuseToBlock("get()");
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    refuseToBlock("get(timeout)");
    return super.get(timeout, unit);
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new EventLoopGuardedFuture<>(operation);
  }

  @Override
  public String toString() {
    return operation + " " + super.toString();
  }
}
