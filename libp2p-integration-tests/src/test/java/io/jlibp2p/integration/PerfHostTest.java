package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.perf.Perf;
import io.jlibp2p.perf.PerfResult;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** /perf/1.0.0 between two Java hosts over noise and yamux. */
class PerfHostTest extends AbstractHostPairTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }

  @BeforeEach
  void serveAndDial() throws Exception {
    server.setStreamHandler(Perf.PROTOCOL_ID, Perf.handler());
    await(client.dial(serverAddress()));
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1, 1", "33554432, 0", "0, 33554432", "10485761, 7340033"})
  void theServerSendsWhatWasAskedAfterReadingTheUpload(long upload, long download) throws Exception {
    Perf.Progress progress = new Perf.Progress();
    PerfResult result = Hosts.perf(client).run(server.peerId(), upload, download, progress).get(60, TimeUnit.SECONDS);
    assertEquals(upload, result.uploadBytes());
    assertEquals(download, result.downloadBytes());
    assertEquals(upload, progress.uploaded());
    assertEquals(download, progress.downloaded());
    assertTrue(result.elapsed().toNanos() > 0);
  }
}
