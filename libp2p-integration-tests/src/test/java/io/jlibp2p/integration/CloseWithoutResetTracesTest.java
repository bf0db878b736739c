package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.netty.channel.DefaultChannelPipeline;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Closing a host resets the streams still open on its connections. A stream whose handlers do not
 * catch exceptions (most application code) used to get Netty's WARN with a stack trace for that
 * reset, on both sides; now nobody logs more than a DEBUG line for it.
 */
class CloseWithoutResetTracesTest {

  private final ListAppender<ILoggingEvent> netty = new ListAppender<>();
  private Logger pipelineLogger;

  @BeforeEach
  void capture() {
    pipelineLogger = (Logger) LoggerFactory.getLogger(DefaultChannelPipeline.class);
    netty.start();
    pipelineLogger.addAppender(netty);
  }

  @AfterEach
  void release() {
    pipelineLogger.detachAppender(netty);
  }

  @Test
  void closingAHostWithOpenStreamsLogsNoResetAsAWarning() throws Exception {
    Host server = Hosts.Stack.NOISE_YAMUX.host();
    Host client = Hosts.Stack.NOISE_YAMUX.host();
    server.start().get(30, TimeUnit.SECONDS);
    client.start().get(30, TimeUnit.SECONDS);
    CompletableFuture<Stream> served = new CompletableFuture<>();
    // Handlers that never look at exceptions, on both sides.
    server.setStreamHandler("/test/idle/1.0.0", served::complete);
    try {
      Stream stream = client.newStream(server.listenAddresses().get(0), "/test/idle/1.0.0").get(30, TimeUnit.SECONDS);
      stream.config().setAutoRead(true);
      served.get(30, TimeUnit.SECONDS);
      client.closeNow().get(30, TimeUnit.SECONDS);
      Stream remote = served.get();
      remote.closeFuture().await(30, TimeUnit.SECONDS);
      assertTrue(!remote.isOpen(), "the server's stream was reset by the close");
    } finally {
      client.close();
      server.close();
    }
    List<ILoggingEvent> warnings = netty.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
    assertEquals(List.of(), warnings.stream().map(ILoggingEvent::getFormattedMessage).toList());
  }
}
