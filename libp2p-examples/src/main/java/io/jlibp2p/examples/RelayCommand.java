package io.jlibp2p.examples;

import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.relay.RelayServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jlibp2p relay}: a circuit relay v2 server, with go's limits unless told otherwise, until
 * SIGINT or SIGTERM. Its stdout lists its listen addresses, one per line: what {@code listen
 * --relay} takes.
 */
@Command(name = "relay", description = {
    "Serve circuit relay v2 (and ping, identify) until SIGINT or SIGTERM: peers reserve on it and are reached through it.",
    "Prints each listen address (with /p2p/) on its own line."})
final class RelayCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Option(names = "--reservation-ttl", paramLabel = "SECONDS", defaultValue = "3600",
      description = "How long a reservation lasts unless refreshed. Default: ${DEFAULT-VALUE}.")
  long reservationTtlSeconds;

  @Option(names = "--max-reservations", paramLabel = "N", defaultValue = "128",
      description = "Reservations held at once. Default: ${DEFAULT-VALUE}.")
  int maxReservations;

  @Option(names = "--max-reservations-per-ip", paramLabel = "N", defaultValue = "8",
      description = "Reservations from one IP address. Default: ${DEFAULT-VALUE}.")
  int maxReservationsPerIp;

  @Option(names = "--max-circuits", paramLabel = "N", defaultValue = "16",
      description = "Circuits one peer may be an end of at once. Default: ${DEFAULT-VALUE}.")
  int maxCircuits;

  @Option(names = "--limit-duration", paramLabel = "SECONDS", defaultValue = "120",
      description = "How long a circuit may last before it is reset; 0 for no limit. Default: ${DEFAULT-VALUE}.")
  long limitDurationSeconds;

  @Option(names = "--limit-data", paramLabel = "BYTES", defaultValue = "131072",
      description = "Bytes a circuit may carry each way before it is reset; 0 for no limit. Default: ${DEFAULT-VALUE}.")
  long limitData;

  @Override
  public Integer call() throws InterruptedException {
    RelayServer relay;
    try {
      relay = RelayServer.builder()
          .reservationTtl(Duration.ofSeconds(reservationTtlSeconds))
          .maxReservations(maxReservations)
          .maxReservationsPerIp(maxReservationsPerIp)
          .maxCircuitsPerPeer(maxCircuits)
          .circuitLimit(new ConnectionLimit(Duration.ofSeconds(limitDurationSeconds), limitData))
          .build();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    try (Host host = options.buildHost(List.of("/ip4/127.0.0.1/tcp/0"), relay)) {
      Cli.await(host.start(), options.timeout(), "listen");
      options.printAddressesAndServe(host);
    }
    return 0;
  }
}
