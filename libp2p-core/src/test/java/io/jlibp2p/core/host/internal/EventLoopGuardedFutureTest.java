package io.jlibp2p.core.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopGuardedFutureTest {

  /** What {@code call} threw, or returned, when run on {@code executor}. */
  private static Object on(EventExecutorGroup executor, Callable<?> call) throws Exception {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    executor.execute(() -> {
      try {
        outcome.complete(call.call());
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    try {
      return outcome.get(30, TimeUnit.SECONDS);
    } finally {
      executor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** What {@code call} threw, or returned, when run on a Netty event loop. */
  private static Object onNettyThread(Callable<?> call) throws Exception {
    return on(new DefaultEventLoopGroup(1, new DefaultThreadFactory("test-event-loop")), call);
  }

  @Test
  void aNettyExecutorThatIsNotAnEventLoopMayWait() throws Exception {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> guarded = EventLoopGuardedFuture.of("Host.newStream", source);
    new Thread(() -> source.complete("waited")).start();
    assertEquals("waited", on(new DefaultEventExecutorGroup(1), guarded::join));
  }

  @Test
  void waitingForAnIncompleteFutureOnANettyThreadFailsSayingWhy() throws Exception {
    CompletableFuture<String> pending = EventLoopGuardedFuture.incomplete("Host.newStream");
    for (Callable<?> wait : List.<Callable<?>>of(
        pending::join, pending::get, () -> pending.get(1, TimeUnit.SECONDS))) {
      IllegalStateException e = assertInstanceOf(IllegalStateException.class, onNettyThread(wait));
      assertTrue(e.getMessage().contains("on the future of Host.newStream, which is not complete, on the Netty thread test-event-loop-"),
          e.getMessage());
      assertTrue(e.getMessage().contains("thenCompose"), e.getMessage());
    }
  }

  @Test
  void stagesChainedFromItAreGuardedToo() throws Exception {
    CompletableFuture<String> pending = EventLoopGuardedFuture.incomplete("Host.dial");
    CompletableFuture<Integer> chained = pending.thenApply(String::length);
    assertInstanceOf(IllegalStateException.class, onNettyThread(chained::join));
  }

  @Test
  void aCompleteFutureAnswersOnANettyThread() throws Exception {
    CompletableFuture<String> done = EventLoopGuardedFuture.of("Host.start", CompletableFuture.completedFuture("ok"));
    assertEquals("ok", onNettyThread(done::join));
    CompletableFuture<String> failed =
        EventLoopGuardedFuture.of("Host.start", CompletableFuture.failedFuture(new IllegalArgumentException("no")));
    CompletionException e = assertInstanceOf(CompletionException.class, onNettyThread(failed::join));
    assertInstanceOf(IllegalArgumentException.class, e.getCause(), "the source's failure itself, not wrapped twice");
  }

  @Test
  void anyOtherThreadWaitsAsUsual() throws Exception {
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> guarded = EventLoopGuardedFuture.of("Host.identify", source);
    new Thread(() -> source.complete("later")).start();
    assertEquals("later", guarded.get(30, TimeUnit.SECONDS));
    CompletableFuture<String> failing = new CompletableFuture<>();
    CompletableFuture<String> guardedFailure = EventLoopGuardedFuture.of("Host.identify", failing);
    failing.completeExceptionally(new CompletionException(new IllegalStateException("inner")));
    ExecutionException e = assertThrows(ExecutionException.class, guardedFailure::get);
    assertInstanceOf(IllegalStateException.class, e.getCause(), "a CompletionException from a stage is unwrapped");
  }
}
