package io.jlibp2p.integration.blocking;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound's configuration for this module: the calls it would flag on an event loop that do not
 * really block, each with why; and a callback that records every blocking call it catches, so that
 * {@link BlockingCallsExtension} fails the test class even when the error thrown into the event
 * loop was swallowed there (a closed connection is all a test would otherwise see).
 *
 * <p>Found by BlockHound's service loader, which the JUnit Platform listener of {@code
 * blockhound-junit-platform} runs before the first test; Netty's own integration (event loops are
 * non-blocking threads, its known-harmless internals are allowed) comes with netty-common.
 */
public final class HarmlessBlockingCalls implements BlockHoundIntegration {

  /** Every blocking call caught on an event loop so far, with where it was made. */
  static final List<BlockingOperationError> CAUGHT = new CopyOnWriteArrayList<>();

  @Override
  public void applyTo(BlockHound.Builder builder) {
    // SecureRandom on Linux reads /dev/urandom, which never blocks once the kernel's pool is
    // seeded at boot; noise keys, ping payloads and nonces come from it on event loops, as in
    // every Netty TLS handler.
    builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
    // Netty 4.2's default allocator frees into a shared magazine under a lock held for a few
    // instructions, which parks only when two event loops free at once; Netty's own BlockHound
    // integration allows the pooled allocator's locks for the same reason, but not yet this one.
    builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
    // A blocking stream's bridge shares one lock between its event loop and the application
    // thread that reads or writes it; that thread holds it only to move a buffer or copy at most
    // 64 KiB, never across a wait, so an event loop that finds it taken waits microseconds.
    builder.allowBlockingCallsInside("io.jlibp2p.core.blocking.internal.StreamBridge", "lockBriefly");
    builder.blockingMethodCallback(method -> {
      BlockingOperationError error = new BlockingOperationError(method);
      CAUGHT.add(error);
      throw error;
    });
  }
}
