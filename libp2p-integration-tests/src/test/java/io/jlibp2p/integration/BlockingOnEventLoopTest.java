package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.muxer.Stream;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The mistake a new user makes first: waiting, inside a stream handler, for a future the host
 * completes. It fails at once with an {@link IllegalStateException} that says why, where it used to
 * hang the event loop for ever.
 */
class BlockingOnEventLoopTest extends AbstractHostPairTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }

  @Test
  void joiningANewStreamInsideAStreamHandlerFailsSayingWhy() throws Exception {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    server.setStreamHandler("/test/blocking/1.0.0", stream -> {
      try {
        // Back to the dialer, on the connection the handler runs on: it cannot open while we wait.
        outcome.complete(server.newStream(stream.remotePeer(), Hosts.ECHO).join());
      } catch (RuntimeException e) {
        outcome.complete(e);
      }
      stream.close();
    });
    Stream stream = await(client.newStream(serverAddress(), "/test/blocking/1.0.0"));
    IllegalStateException e = assertInstanceOf(IllegalStateException.class, await(outcome));
    assertTrue(e.getMessage().startsWith("join() on the future of Host.newStream, which is not complete, on the Netty thread"),
        e.getMessage());
    stream.close();
  }

  @Test
  void aFutureThatIsCompleteAnswersInsideAHandler() throws Exception {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CompletableFuture<Connection> dialed = client.dial(serverAddress());
    await(dialed); // complete from here on
    server.setStreamHandler("/test/complete/1.0.0", stream -> {
      try {
        dialed.join();
        outcome.complete("answered");
      } catch (RuntimeException e) {
        outcome.complete(e);
      }
      stream.close();
    });
    Stream stream = await(client.newStream(serverAddress(), "/test/complete/1.0.0"));
    assertEquals("answered", await(outcome));
    stream.close();
  }
}
