package io.jlibp2p.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what Netty's {@link ResourceLeakDetector} logs, so that a test run can assert it logged
 * nothing.
 *
 * <p>Netty reports a leak only by logging it at ERROR level; it never throws. A leak would therefore
 * pass unnoticed in a green build unless somebody reads the log. This appender sits on the
 * detector's logger and keeps every report until {@link #drain()} takes them.
 */
public final class LeakReportCapture {

  private static final String DETECTOR_LOGGER = ResourceLeakDetector.class.getName();
  private static final Appender APPENDER = new Appender();

  private LeakReportCapture() {}

  /**
   * Attaches the capturing appender to the leak detector's logger, once per JVM.
   *
   * @throws IllegalStateException when Netty does not log through SLF4J and Logback, because then
   *     no report could ever be captured and every leak check would pass vacuously
   */
  public static synchronized void install() {
    if (APPENDER.isStarted()) {
      return;
    }
    if (!(InternalLoggerFactory.getDefaultFactory() instanceof Slf4JLoggerFactory)) {
      throw new IllegalStateException(
          "Netty logs through " + InternalLoggerFactory.getDefaultFactory().getClass().getName()
              + ", not SLF4J: leak reports cannot be captured");
    }
    if (!(LoggerFactory.getLogger(DETECTOR_LOGGER) instanceof Logger logger)) {
      throw new IllegalStateException(
          "SLF4J is not bound to Logback: leak reports cannot be captured");
    }
    // The detector only reports when ERROR is enabled on its logger.
    logger.setLevel(Level.ERROR);
    // Reports reach the failing test through the assertion message; no need to print them twice.
    logger.setAdditive(false);
    APPENDER.setContext(logger.getLoggerContext());
    APPENDER.setName("jlibp2p-leak-capture");
    APPENDER.start();
    logger.addAppender(APPENDER);
  }

  /** Returns every leak report captured since the last call, and forgets them. */
  public static List<String> drain() {
    return APPENDER.drain();
  }

  private static final class Appender extends AppenderBase<ILoggingEvent> {
    private final List<String> reports = new ArrayList<>();

    @Override
    protected synchronized void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
        reports.add(event.getFormattedMessage());
      }
    }

    synchronized List<String> drain() {
      List<String> taken = new ArrayList<>(reports);
      reports.clear();
      return taken;
    }
  }
}
