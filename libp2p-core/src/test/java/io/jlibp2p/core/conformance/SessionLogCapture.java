package io.jlibp2p.core.conformance;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Keeps what a muxer session logs instead of printing it. A session handles every failure itself
 * and closes the connection, so its log is where an exception it did not expect (a bug: logged
 * with its throwable) shows, and where a protocol error (a message that starts with the muxer's
 * prefix, such as {@code "yamux protocol error"}) is told apart from other closes.
 *
 * <p>A JUnit extension, registered on a static field, that holds the session class's logger for the
 * whole test class: from DEBUG, and without passing events on to the root's appenders.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final SessionLogCapture SESSION_LOG = new SessionLogCapture(YamuxSession.class, "yamux protocol error");
 * </pre>
 *
 * <p>Not thread-safe: for a session driven on an {@code EmbeddedChannel}, one execution at a time.
 * For tests; part of libp2p-core's test-jar.
 */
public final class SessionLogCapture implements BeforeAllCallback, AfterAllCallback {

  private final Logger logger;
  private final String protocolErrorPrefix;
  private final Appender appender = new Appender();
  private final List<ILoggingEvent> events = new ArrayList<>();
  private int protocolErrors;

  /**
   * Captures what {@code sessionClass} logs, counting as a protocol error each message that starts
   * with {@code protocolErrorPrefix}.
   */
  public SessionLogCapture(Class<?> sessionClass, String protocolErrorPrefix) {
    this.logger = (Logger) LoggerFactory.getLogger(sessionClass);
    this.protocolErrorPrefix = protocolErrorPrefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    logger.detachAppender(appender);
    logger.setLevel(null);
    logger.setAdditive(true);
    appender.stop();
  }

  /** Forgets what was logged so far, as a new execution starts. */
  public void clear() {
    events.clear();
    protocolErrors = 0;
  }

  /** How many protocol errors the session logged since {@link #clear()}. */
  public int protocolErrors() {
    return protocolErrors;
  }

  /** What the session logged since {@link #clear()}, for a failure's message. */
  public List<ILoggingEvent> events() {
    return events;
  }

  /** Fails with the first event logged with a throwable since {@link #clear()}, and its throwable as the cause. */
  public void assertNoFailure() {
    for (ILoggingEvent event : events) {
      if (event.getThrowableProxy() instanceof ThrowableProxy proxy) {
        throw new AssertionError("the session logged " + event.getFormattedMessage(), proxy.getThrowable());
      }
    }
  }

  private final class Appender extends AppenderBase<ILoggingEvent> {
    @Override
    protected void append(ILoggingEvent event) {
      events.add(event);
      if (event.getMessage().startsWith(protocolErrorPrefix)) {
        protocolErrors++;
      }
    }
  }
}
