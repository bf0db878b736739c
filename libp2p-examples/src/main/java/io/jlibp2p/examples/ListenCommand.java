package io.jlibp2p.examples;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.perf.Perf;
import io.jlibp2p.relay.RelayClient;
import io.jlibp2p.relay.Reservation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jlibp2p listen}: a peer that serves ping, identify, echo, chat and perf until SIGINT or
 * SIGTERM. Its stdout is a contract for scripts: first its listen addresses, one per line (with
 * {@code --relay}, its circuit addresses last), then {@code CHAT <peerId> <line>} for each chat
 * line received.
 */
@Command(name = "listen", description = {
    "Serve ping, identify, " + ListenCommand.ECHO + ", " + ChatRoom.PROTOCOL_ID + " and " + Perf.PROTOCOL_ID + " until SIGINT or SIGTERM.",
    "Prints each listen address (with /p2p/) on its own line, then CHAT <peerId> <line> per chat line received."})
final class ListenCommand implements Callable<Integer> {

  static final String ECHO = "/echo/1.0.0";

  @Mixin
  HostOptions options;

  @Option(names = "--relay", paramLabel = "ADDR",
      description = "Reserve a slot on the relay at ADDR (ending in /p2p/<relay>) and be reachable through it; repeatable."
          + " Its circuit address is printed after the others.")
  List<String> relays = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    try (Host host = options.buildHost(List.of("/ip4/127.0.0.1/tcp/0"), Perf.server())) {
      // Echo and chat run through relays too (a relay's limits bound them); perf's bulk does not.
      host.setStreamHandler(ECHO, EchoHandler.streamHandler());
      ChatRoom chat = new ChatRoom((from, line) -> options.out.println("CHAT " + from + " " + line));
      host.setStreamHandler(ChatRoom.PROTOCOL_ID, chat.handler());
      Cli.await(host.start(), options.timeout(), "listen");
      RelayClient client = host.service(RelayClient.class).orElseThrow();
      for (String relay : relays) {
        Reservation reservation = Cli.await(client.reserve(Cli.multiaddr(relay)), options.timeout(), "reserve on " + relay);
        reservation.ended().whenComplete((ignored, error) -> {
          if (error != null) {
            System.err.println("jlibp2p listen: " + error.getMessage());
          }
        });
      }
      options.printAddressesAndServe(host);
    }
    return 0;
  }
}
