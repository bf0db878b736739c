package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.StreamCollector;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What yamux adds to the interop checks: a 64 MiB echo and 64 concurrent streams. */
abstract class AbstractJsYamuxInteropTest extends AbstractJsInteropTest {

  @Test
  void javaEchoesSixtyFourMebibytesThroughJs() throws Exception {
    byte[] data = new byte[64 << 20];
    new Random(64).nextBytes(data);
    assertJsEchoes(data, 1 << 20);
  }

  @Test
  void jsEchoesSixtyFourMebibytesThroughJava() throws Exception {
    String result = jsDials("echo", Integer.toString(64 << 20));
    assertTrue(result.contains("\"ok\":true"), result);
  }

  @Test
  void jsOpensSixtyFourConcurrentStreamsToJava() throws Exception {
    String result = jsDials("echo", Integer.toString(64 << 10), "--parallel", "64");
    assertTrue(result.contains("\"ok\":true") && result.contains("\"streams\":64"), result);
  }

  @Test
  void sixtyFourConcurrentStreamsToJs() throws Exception {
    List<byte[]> payloads = new ArrayList<>();
    List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    Random random = new Random(65);
    for (int i = 0; i < 64; i++) {
      byte[] payload = new byte[64 << 10];
      random.nextBytes(payload);
      payloads.add(payload);
      StreamCollector collector = new StreamCollector();
      replies.add(collector.done);
      host.newStream(jsPeer, s -> s.pipeline().addLast(collector), Hosts.ECHO)
          .thenAccept(stream -> {
            stream.writeAndFlush(Unpooled.wrappedBuffer(payload));
            stream.closeWrite();
          })
          .exceptionally(e -> {
            collector.done.completeExceptionally(e);
            return null;
          });
    }
    for (int i = 0; i < 64; i++) {
      assertArrayEquals(payloads.get(i), await(replies.get(i)), "stream " + i);
    }
  }
}
