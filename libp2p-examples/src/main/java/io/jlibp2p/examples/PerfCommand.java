package io.jlibp2p.examples;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.perf.Perf;
import io.jlibp2p.perf.PerfResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jlibp2p perf}: the {@code /perf/1.0.0} server or client, with the command line and the
 * JSON records of the libp2p test-plans perf benchmark, so that the harness can drive it as it
 * drives go-, rust- and js-libp2p.
 *
 * <p>The client prints, each second, {@code {"type":"intermediary","timeSeconds":…,"uploadBytes":…,
 * "downloadBytes":…}} with the bytes moved in that interval, and at the end {@code
 * {"type":"final",…}} with the totals and the time since before the dial.
 */
@Command(name = "perf", description = {
    "Serve or run " + Perf.PROTOCOL_ID + " as the libp2p test-plans perf benchmark does.",
    "Server: --run-server --server-address HOST:PORT. Client: --server-address HOST:PORT --upload-bytes N --download-bytes M."})
final class PerfCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Option(names = "--run-server", description = "Serve perf on --server-address until SIGINT or SIGTERM.")
  boolean runServer;

  @Option(names = "--server-address", required = true, paramLabel = "HOST:PORT", description = "Where the server listens, or the client dials.")
  String serverAddress;

  @Option(names = "--transport", defaultValue = "tcp", paramLabel = "NAME", description = "tcp or ws. Default: ${DEFAULT-VALUE}.")
  String transport;

  @Option(names = "--upload-bytes", defaultValue = "0", paramLabel = "N", description = "Bytes the client sends. Default: ${DEFAULT-VALUE}.")
  long uploadBytes;

  @Option(names = "--download-bytes", defaultValue = "0", paramLabel = "N", description = "Bytes the client asks back. Default: ${DEFAULT-VALUE}.")
  long downloadBytes;

  @Option(names = "--iterations", defaultValue = "1", paramLabel = "K",
      description = "Runs, each on a new connection closed afterwards, each with its final record. Default: ${DEFAULT-VALUE}.")
  int iterations;

  @Override
  public Integer call() throws InterruptedException {
    if (!transport.equals("tcp") && !transport.equals("ws")) {
      throw CliException.usage("--transport: tcp or ws, not \"" + transport + "\"");
    }
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw CliException.usage("--upload-bytes and --download-bytes must not be negative");
    }
    if (iterations < 1) {
      throw CliException.usage("--iterations must be at least 1");
    }
    Multiaddr address = transport.equals("ws")
        ? Cli.multiaddr(tcpAddress(serverAddress) + "/ws")
        : tcpAddress(serverAddress);
    return runServer ? serve(address) : measure(address);
  }

  /** {@code 1.2.3.4:4001} or {@code [::1]:4001} as a TCP multiaddr. */
  static Multiaddr tcpAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw CliException.usage("--server-address must be HOST:PORT, got \"" + hostPort + "\"");
    }
    String host = hostPort.substring(0, colon);
    String port = hostPort.substring(colon + 1);
    boolean ipv6 = host.startsWith("[") && host.endsWith("]");
    String ip = ipv6 ? host.substring(1, host.length() - 1) : host;
    return Cli.multiaddr((ipv6 ? "/ip6/" : "/ip4/") + ip + "/tcp/" + port);
  }

  private int serve(Multiaddr address) throws InterruptedException {
    options.listen = List.of(address.toString());
    try (Host host = options.buildHost(List.of(), Perf.server())) {
      Cli.await(host.start(), options.timeout(), "listen");
      Signals signals = Signals.install();
      host.listenAddresses().forEach(options.out::println);
      signals.awaitTermination();
    }
    return 0;
  }

  private int measure(Multiaddr address) {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "perf-progress");
      thread.setDaemon(true);
      return thread;
    });
    Perf perf = Perf.client();
    try (Host host = options.buildHost(List.of(), perf)) {
      Cli.await(host.start(), options.timeout(), "start");
      for (int i = 1; i <= iterations; i++) {
        measureOnce(host, perf, address, ticker, i);
      }
    } finally {
      ticker.shutdownNow();
    }
    return 0;
  }

  /** One run on a new connection, closed before the next run dials, so every run pays for a dial. */
  private void measureOnce(Host host, Perf perf, Multiaddr address, ScheduledExecutorService ticker, int iteration) {
    // The clock starts at the dial, as the harness counts: connection setup, upload, download.
    long start = System.nanoTime();
    Connection connection = options.connect(host, address.toString());
    Perf.Progress progress = new Perf.Progress();
    IntervalReporter reporter = new IntervalReporter(progress);
    ScheduledFuture<?> reports = ticker.scheduleAtFixedRate(reporter, 1, 1, TimeUnit.SECONDS);
    try {
      CompletableFuture<PerfResult> run = perf.run(connection.remotePeer(), uploadBytes, downloadBytes, progress);
      // No overall limit beyond the harness's own: a transfer takes as long as it takes.
      PerfResult result = Cli.await(run, Duration.ofDays(1), "perf with " + connection.remotePeer());
      long elapsed = System.nanoTime() - start;
      Json record = record("final", elapsed, result.uploadBytes(), result.downloadBytes());
      reporter.finish(iterations > 1 ? record.put("iteration", iteration) : record);
    } finally {
      reports.cancel(false);
      Cli.await(connection.closeAsync(), options.timeout(), "close");
    }
  }

  /** Prints the bytes moved since its previous report; after {@link #finish}, nothing more. */
  private final class IntervalReporter implements Runnable {
    private final Perf.Progress progress;
    private long lastTime = System.nanoTime();
    private long lastUp;
    private long lastDown;
    private boolean finished;

    IntervalReporter(Perf.Progress progress) {
      this.progress = progress;
    }

    @Override
    public synchronized void run() {
      if (finished) {
        return;
      }
      long now = System.nanoTime();
      long up = progress.uploaded();
      long down = progress.downloaded();
      options.out.println(record("intermediary", now - lastTime, up - lastUp, down - lastDown));
      lastTime = now;
      lastUp = up;
      lastDown = down;
    }

    /** Prints the final record, which must be the last line of the run. */
    synchronized void finish(Json finalRecord) {
      finished = true;
      options.out.println(finalRecord);
    }
  }

  private static Json record(String type, long nanos, long up, long down) {
    return new Json().put("type", type).put("timeSeconds", nanos / 1e9).put("uploadBytes", up).put("downloadBytes", down);
  }
}
