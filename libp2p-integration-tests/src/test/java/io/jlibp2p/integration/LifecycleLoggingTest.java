package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeLimit;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.Eventually;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a host says in its log, with {@code io.jlibp2p} at DEBUG: where it listens at INFO; each
 * connection's and stream's life and each failed dial at DEBUG; a refused limit at INFO; and
 * nothing at ERROR for anything a peer does.
 */
class LifecycleLoggingTest {

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger jlibp2p;
  private Level levelBefore;

  @BeforeEach
  void capture() {
    jlibp2p = (Logger) LoggerFactory.getLogger("io.jlibp2p");
    levelBefore = jlibp2p.getLevel();
    jlibp2p.setLevel(Level.DEBUG);
    appender.start();
    jlibp2p.addAppender(appender);
  }

  @AfterEach
  void release() {
    jlibp2p.detachAppender(appender);
    jlibp2p.setLevel(levelBefore);
  }

  @Test
  void aConnectionAndItsStreamsAreLoggedFromStartToEnd() throws Exception {
    Host server = Hosts.Stack.NOISE_YAMUX.host();
    Host client = Hosts.Stack.NOISE_YAMUX.host();
    try {
      server.start().get(30, TimeUnit.SECONDS);
      Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      Hosts.ping(client).ping(server.peerId()).get(30, TimeUnit.SECONDS);
      assertThrowsExecution(() -> client.dial(Multiaddr.fromString("/ip4/127.0.0.1/tcp/1")).get(30, TimeUnit.SECONDS));
      connection.closeAsync().get(30, TimeUnit.SECONDS);
      Eventually.await("both sides log the close", 10, () -> count(line(Level.DEBUG, "connection " + server.peerId(), "closed by this side")) == 1
          && count(line(Level.DEBUG, "connection " + client.peerId(), "closed by the remote")) == 1);
    } finally {
      client.close();
      server.close();
    }
    assertEquals(1, count(line(Level.INFO, "host " + server.peerId() + " listening on /ip4/127.0.0.1/tcp/")));
    assertEquals(1, count(line(Level.DEBUG, "connection OUTBOUND " + server.peerId(), "opened (/noise, /yamux/1.0.0")));
    assertEquals(1, count(line(Level.DEBUG, "connection INBOUND " + client.peerId(), "opened (/noise, /yamux/1.0.0")));
    assertTrue(count(line(Level.DEBUG, "OUTBOUND /ipfs/ping/1.0.0 opened with " + server.peerId())) == 1, lines());
    assertTrue(count(line(Level.DEBUG, "/ipfs/ping/1.0.0 closed after", "bytes read")) >= 1, lines());
    assertEquals(1, count(line(Level.DEBUG, "dial to /ip4/127.0.0.1/tcp/1 failed")), lines());
    assertEquals(0, count(e -> e.getLevel() == Level.ERROR), lines());
  }

  @Test
  void aRefusedLimitIsLoggedAtInfo() throws Exception {
    ResourceLimits oneStream = ResourceLimits.autoscaled().toBuilder()
        .peerDefault(ScopeLimit.UNLIMITED.withStreams(1, 1))
        .build();
    Host server = Hosts.serving(Hosts.Stack.NOISE_YAMUX.builder().resourceLimits(oneStream));
    Host client = Hosts.Stack.NOISE_YAMUX.host();
    try {
      server.start().get(30, TimeUnit.SECONDS);
      client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      // Identify's streams and these pings together ask for more than one stream at a time.
      for (int i = 0; i < 5; i++) {
        Hosts.ping(client).ping(server.peerId());
      }
      Eventually.await("a refusal is logged", 10, () -> count(line(Level.INFO, "refused for " + client.peerId())) >= 1);
    } finally {
      client.close();
      server.close();
    }
    assertEquals(0, count(e -> e.getLevel() == Level.ERROR), lines());
  }

  private static void assertThrowsExecution(ThrowingRunnable dial) {
    try {
      dial.run();
    } catch (ExecutionException expected) {
      return;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the dial did not fail");
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** A log line at {@code level} holding each of {@code parts} in order. */
  private static Predicate<ILoggingEvent> line(Level level, String... parts) {
    return event -> {
      if (event.getLevel() != level) {
        return false;
      }
      String message = event.getFormattedMessage();
      int at = 0;
      for (String part : parts) {
        at = message.indexOf(part, at);
        if (at < 0) {
          return false;
        }
        at += part.length();
      }
      return true;
    };
  }

  private long count(Predicate<ILoggingEvent> matching) {
    return List.copyOf(appender.list).stream().filter(matching).count();
  }

  private String lines() {
    return String.join("\n", List.copyOf(appender.list).stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()).toList());
  }
}
