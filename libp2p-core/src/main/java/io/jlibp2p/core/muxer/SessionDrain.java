package io.jlibp2p.core.muxer;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The part of {@link StreamMuxer.Session#drain()} every muxer shares: started once, on the
 * session's event loop, where the muxer closes its streams; done once no stream is left or the
 * connection is gone. Not thread-safe apart from {@link #start}: the session's loop uses it.
 */
public final class SessionDrain {

  private CompletableFuture<Void> done;

  /** Whether a drain has started: the session refuses new streams then. */
  public boolean isDraining() {
    return done != null;
  }

  /**
   * Starts draining on {@code ctx}'s loop, or joins the drain under way.
   *
   * @param closeStreams closes every open stream gracefully; runs once
   * @param empty whether no stream is left
   * @return completes when the drain is done
   */
  public CompletableFuture<Void> start(ChannelHandlerContext ctx, Runnable closeStreams, BooleanSupplier empty) {
    CompletableFuture<Void> joined = new CompletableFuture<>();
    if (ctx == null) {
      joined.complete(null); // never in a pipeline: nothing to drain
      return joined;
    }
    ctx.executor().execute(() -> {
      if (done != null) {
        done.whenComplete((v, e) -> joined.complete(null));
        return;
      }
      done = joined;
      closeStreams.run();
      check(ctx, empty.getAsBoolean());
    });
    return joined;
  }

  /** Call whenever a stream is gone or the connection closed: completes a drain once nothing is left. */
  public void check(ChannelHandlerContext ctx, boolean empty) {
    if (done != null && (empty || !ctx.channel().isActive())) {
      done.complete(null);
    }
  }
}
