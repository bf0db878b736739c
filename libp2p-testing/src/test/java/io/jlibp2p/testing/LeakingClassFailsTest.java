package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs a class that leaks a buffer and does not clean up, the way the build runs every test class,
 * and checks that the class fails with the leak in its message.
 */
class LeakingClassFailsTest {

  @Test
  void classThatLeaksIsFailedByTheExtension() {
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter")
            .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
            .selectors(selectClass(LeaksOneBuffer.class))
            .execute();

    assertEquals(1, results.testEvents().succeeded().count(), "the leaking test itself passes");
    Event failure =
        results.containerEvents().failed().stream()
            .findFirst()
            .orElseThrow(() -> new AssertionError("the leaking class was not failed"));
    Throwable cause =
        failure.getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
            .orElseThrow();
    assertTrue(cause.getMessage().contains("LEAK"), cause.getMessage());
  }

  /** Not run by Surefire (nested classes are excluded); run above through the test kit. */
  static class LeaksOneBuffer {
    @Test
    void leaks() {
      ByteBufAllocator.DEFAULT.directBuffer(8).writeLong(1);
    }
  }
}
