package io.jlibp2p.integration.blocking;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;

/** The other tests of this module run under BlockHound: proved by blocking on an event loop here. */
class BlockHoundIsInstalledTest {

  @Test
  void sleepingOnAnEventLoopIsCaught() throws Exception {
    EventLoopGroup group = new DefaultEventLoopGroup(1);
    try {
      ExecutionException caught = assertThrows(ExecutionException.class,
          () -> group.submit(() -> {
            Thread.sleep(1);
            return null;
          }).get(10, TimeUnit.SECONDS));
      assertInstanceOf(BlockingOperationError.class, caught.getCause());
      assertTrue(HarmlessBlockingCalls.CAUGHT.stream().anyMatch(e -> e.getMessage().contains("sleep")),
          "recorded for the extension: " + HarmlessBlockingCalls.CAUGHT);
    } finally {
      // Caught on purpose: the extension must not fail this class for it.
      HarmlessBlockingCalls.CAUGHT.clear();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
