package io.jlibp2p.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a leak while it ran.
 *
 * <p>Registered for every test class through JUnit's extension auto-detection (the build enables it
 * in Surefire). Before the class it sets the detector to {@link ResourceLeakDetector.Level#PARANOID},
 * so every buffer is tracked even when a test runs outside Maven. After the class it collects
 * garbage and allocates buffers until the detector has had the chance to report what the class
 * leaked: the detector reports lazily, from the allocation path, for objects the garbage collector
 * has already found unreachable.
 *
 * <p>While Jazzer fuzzes ({@code JAZZER_FUZZ} set), the level is {@link
 * ResourceLeakDetector.Level#SIMPLE} instead: paranoid tracking makes a pipeline target some twenty
 * times slower, and the pipeline targets count their own buffers input by input. The replay of their
 * committed inputs in a normal build still runs at paranoid level.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {

  /** Rounds of collection; a leaked buffer usually surfaces in the first or second. */
  private static final int COLLECTION_ROUNDS = 5;

  @Override
  public void beforeAll(ExtensionContext context) {
    LeakReportCapture.install();
    ResourceLeakDetector.setLevel(
        fuzzing() ? ResourceLeakDetector.Level.SIMPLE : ResourceLeakDetector.Level.PARANOID);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> reports = collectLeakReports();
    if (!reports.isEmpty()) {
      throw new AssertionError(
          "Netty reported " + reports.size() + " leak(s) during " + context.getDisplayName()
              + ":\n" + String.join("\n\n", reports));
    }
  }

  /**
   * Runs the garbage collector and pokes the detector until it has reported every buffer that is
   * already unreachable, then returns and forgets those reports.
   */
  public static List<String> collectLeakReports() {
    for (int round = 0; round < COLLECTION_ROUNDS; round++) {
      System.gc();
      try {
        // Nothing signals when the collector has queued the references the detector polls, so
        // each round gives it a moment.
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      // Each tracked allocation makes the detector poll its reference queue and report.
      pokeDetector(ByteBufAllocator.DEFAULT);
      pokeDetector(UnpooledByteBufAllocator.DEFAULT);
    }
    return LeakReportCapture.drain();
  }

  /**
   * Whether Jazzer is fuzzing rather than replaying inputs, read as Jazzer reads it: {@code
   * JAZZER_FUZZ} in the environment or as a system property, true for {@code 1}, {@code true} or
   * {@code yes}.
   */
  private static boolean fuzzing() {
    String fuzz = System.getenv("JAZZER_FUZZ");
    if (fuzz == null) {
      fuzz = System.getProperty("JAZZER_FUZZ", "");
    }
    String value = fuzz.trim().toLowerCase(Locale.ROOT);
    return value.equals("1") || value.equals("true") || value.equals("yes");
  }

  private static void pokeDetector(ByteBufAllocator allocator) {
    ByteBuf heap = allocator.heapBuffer(1);
    heap.release();
    ByteBuf direct = allocator.directBuffer(1);
    direct.release();
  }
}
