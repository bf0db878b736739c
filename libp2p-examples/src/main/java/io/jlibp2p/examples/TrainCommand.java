package io.jlibp2p.examples;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.perf.Perf;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jlibp2p train}: a short, representative workload against itself, in one process, for the
 * JVM to learn from. The launcher's {@code --make-cache} runs it to record a class-data sharing
 * archive (JDK 17 to 24) or an ahead-of-time cache with method profiles (JDK 25 and later), which
 * later runs of the tool start from instead of loading, linking and profiling everything again.
 *
 * <p>One listener serves the {@code --security} and {@code --muxer} lists; for each pair from them
 * (the launcher passes every secure channel) a dialer opens
 * {@code --connections} connections one after another, each identified and carrying a 1-byte perf
 * exchange (the latency benchmark's work), and then moves {@code --bytes} up and down on one more.
 * Both sides of each path run here, so the cache covers dialing and listening.
 */
@Command(name = "train", description = {
    "Run a short workload against itself in one process: each --security with each --muxer, identify and perf.",
    "The launcher's --make-cache records the JVM's class-data archive or AOT cache from this run."})
final class TrainCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Option(names = "--connections", defaultValue = "100", paramLabel = "N",
      description = "Connections per secure channel and muxer. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = "--bytes", defaultValue = "134217728", paramLabel = "N",
      description = "Bytes sent each way per secure channel and muxer, on one connection. Default: ${DEFAULT-VALUE} (128 MiB).")
  long bytes;

  @Override
  public Integer call() {
    if (connections < 1 || bytes < 0) {
      throw CliException.usage("--connections must be at least 1 and --bytes not negative");
    }
    long start = System.nanoTime();
    List<String> securities = names(options.security);
    List<String> muxers = names(options.muxer);
    int stacks = 0;
    try (Host listener = options.buildHost(List.of("/ip4/127.0.0.1/tcp/0"), Perf.server())) {
      Cli.await(listener.start(), options.timeout(), "listen");
      // No peer ID: each dial makes a connection of its own instead of reusing the last one.
      Multiaddr target = listener.listenAddresses().get(0).decapsulate(MultiaddrProtocol.P2P);
      // The dialers listen nowhere and have identities of their own.
      options.listen = List.of();
      options.keyFile = null;
      for (String security : securities) {
        for (String muxer : muxers) {
          train(target, security, muxer);
          stacks++;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long total = (long) stacks * (connections + 1);
    if (options.json) {
      options.out.println(new Json().put("stacks", stacks).put("connections", total)
          .put("bytes", 2L * stacks * bytes).put("seconds", seconds));
    } else {
      options.out.printf("trained on %d stacks: %,d connections and %,d MiB in %.1f s%n",
          stacks, total, 2L * stacks * bytes >> 20, seconds);
    }
    return 0;
  }

  /** The names in a comma-separated flag value, which the listener's build has checked. */
  private static List<String> names(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).toList();
  }

  private void train(Multiaddr target, String security, String muxer) {
    options.security = security;
    options.muxer = muxer;
    Perf perf = Perf.client();
    String stack = security + "+" + muxer;
    try (Host dialer = options.buildHost(List.of(), perf)) {
      Cli.await(dialer.start(), options.timeout(), "start");
      for (int i = 0; i < connections; i++) {
        exchange(dialer, perf, target, 1, stack);
      }
      exchange(dialer, perf, target, bytes, stack);
    }
  }

  /** A new connection, identified, with {@code count} bytes each way over perf, then closed. */
  private void exchange(Host dialer, Perf perf, Multiaddr target, long count, String stack) {
    Connection connection = Cli.await(dialer.dial(target), options.timeout(), stack + ": dial " + target);
    try {
      Cli.await(connection.identify(), options.timeout(), stack + ": identify");
      Cli.await(perf.run(connection.remotePeer(), count, count, Perf.Progress.NONE), options.timeout(), stack + ": perf");
    } finally {
      Cli.await(connection.closeAsync(), options.timeout(), stack + ": close");
    }
  }
}
