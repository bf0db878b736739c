package io.jlibp2p.examples;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.ping.Ping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jlibp2p ping ADDR}: round trips of 32 bytes on one {@value Ping#PROTOCOL_ID} stream. */
@Command(name = "ping", description = "Measure round trips to a peer, one after another on one " + Ping.PROTOCOL_ID + " stream.")
final class PingCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Parameters(paramLabel = "ADDR", description = "The peer's multiaddr, ideally with /p2p/<peer ID>.")
  String address;

  @Option(names = "--count", paramLabel = "N", defaultValue = "5", description = "How many round trips. Default: ${DEFAULT-VALUE}.")
  int count;

  @Override
  public Integer call() {
    if (count < 1) {
      throw CliException.usage("--count must be at least 1, got " + count);
    }
    try (Host host = options.buildHost(List.of())) {
      Cli.await(host.start(), options.timeout(), "start");
      Connection connection = options.connect(host, address);
      List<Duration> rtts = Cli.await(host.service(Ping.class).orElseThrow().ping(connection.remotePeer(), count),
          options.timeout().multipliedBy(count), "ping " + connection.remotePeer());
      List<Double> millis = rtts.stream().map(Cli::millis).toList();
      if (options.json) {
        options.out.println(options.result(connection).put("rtts_ms", millis));
      } else {
        options.out.println("PING " + connection.remotePeer() + " over " + Stacks.shortName(connection.securityProtocol())
            + " and " + Stacks.shortName(connection.muxerProtocol()));
        for (int i = 0; i < millis.size(); i++) {
          options.out.println("  round trip " + (i + 1) + ": " + millis.get(i) + " ms");
        }
      }
    }
    return 0;
  }
}
