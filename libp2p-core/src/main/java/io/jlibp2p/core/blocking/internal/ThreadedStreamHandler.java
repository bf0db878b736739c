package io.jlibp2p.core.blocking.internal;

import io.jlibp2p.core.blocking.BlockingStream;
import io.jlibp2p.core.blocking.BlockingStreamHandler;
import io.jlibp2p.core.blocking.BlockingStreams;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's stream handler that serves each stream with a {@link BlockingStreamHandler} on a thread
 * of {@code executor}: attaches the blocking view on the event loop, before any byte is read, then
 * hands it over. The stream is closed when the handler returns and reset when it throws or no
 * thread takes it.
 */
public final class ThreadedStreamHandler implements StreamHandler {

  private static final Logger log = LoggerFactory.getLogger(ThreadedStreamHandler.class);

  private final BlockingStreamHandler handler;
  private final Executor executor;

  public ThreadedStreamHandler(BlockingStreamHandler handler, Executor executor) {
    this.handler = handler;
    this.executor = executor;
  }

  @Override
  public void handle(Stream stream) {
    BlockingStream blocking = BlockingStreams.attach(stream);
    try {
      executor.execute(() -> serve(blocking));
    } catch (RejectedExecutionException e) {
      log.warn("stream {} for {} from {} reset: no thread to serve it ({})",
          stream.id(), stream.protocol(), stream.remotePeer(), e.getMessage());
      blocking.reset();
    }
  }

  private void serve(BlockingStream blocking) {
    Stream stream = blocking.stream();
    try {
      handler.handle(blocking);
      blocking.close();
    } catch (IOException e) {
      // The stream broke under the handler (the peer reset it, or went away): the peer's doing, or
      // the network's, as far as this side can tell.
      log.debug("the handler of {} on stream {} from {} gave up: {}", stream.protocol(), stream.id(),
          stream.remotePeer(), e.toString());
      blocking.reset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.debug("the handler of {} on stream {} was interrupted; stream reset", stream.protocol(), stream.id());
      blocking.reset();
    } catch (Exception | Error e) {
      log.warn("the handler of {} threw on stream {} from {}; stream reset", stream.protocol(), stream.id(),
          stream.remotePeer(), e);
      blocking.reset();
      if (e instanceof Error error) {
        throw error;
      }
    }
  }
}
