package io.jlibp2p.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the leak check can fail: a buffer leaked on purpose must show up as a captured report.
 * The test drains what it provoked, so the class itself still passes the extension's check.
 */
class LeakDetectionExtensionTest {

  @Test
  void detectorRunsAtParanoidLevel() {
    assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel());
  }

  @Test
  void deliberateLeakIsCaptured() {
    leakOneBuffer();
    List<String> reports = LeakDetectionExtension.collectLeakReports();
    assertTrue(
        reports.stream().anyMatch(r -> r.contains("LEAK")),
        "expected a captured leak report, got " + reports);
  }

  @Test
  void releasedBufferIsNotReported() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64);
    buffer.writeLong(42);
    buffer.release();
    assertEquals(List.of(), LeakDetectionExtension.collectLeakReports());
  }

  private static void leakOneBuffer() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
    buffer.writeInt(7);
    // Deliberately never released: the reference dies with this frame.
  }
}
