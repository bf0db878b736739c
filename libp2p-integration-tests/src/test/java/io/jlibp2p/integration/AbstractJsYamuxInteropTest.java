package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
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
    assertJsOpensConcurrentStreams(64);
  }

  @Test
  void sixtyFourConcurrentStreamsToJs() throws Exception {
    assertConcurrentEchoesThroughJs(64, 65);
  }
}
