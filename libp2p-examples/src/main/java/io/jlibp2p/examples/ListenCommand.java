package io.jlibp2p.examples;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.perf.Perf;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code jlibp2p listen}: a peer that serves ping, identify, echo, chat and perf until SIGINT or
 * SIGTERM. Its stdout is a contract for scripts: first its listen addresses, one per line, then
 * {@code CHAT <peerId> <line>} for each chat line received.
 */
@Command(name = "listen", description = {
    "Serve ping, identify, " + ListenCommand.ECHO + ", " + ChatRoom.PROTOCOL_ID + " and " + Perf.PROTOCOL_ID + " until SIGINT or SIGTERM.",
    "Prints each listen address (with /p2p/) on its own line, then CHAT <peerId> <line> per chat line received."})
final class ListenCommand implements Callable<Integer> {

  static final String ECHO = "/echo/1.0.0";

  @Mixin
  HostOptions options;

  @Override
  public Integer call() throws InterruptedException {
    try (Host host = options.buildHost(List.of("/ip4/127.0.0.1/tcp/0"), Perf.server())) {
      host.setStreamHandler(ECHO, stream -> stream.pipeline().addLast(EchoHandler.INSTANCE));
      ChatRoom chat = new ChatRoom((from, line) -> options.out.println("CHAT " + from + " " + line));
      host.setStreamHandler(ChatRoom.PROTOCOL_ID, chat.handler());
      Cli.await(host.start(), options.timeout(), "listen");
      Signals signals = Signals.install();
      for (Multiaddr address : host.listenAddresses()) {
        options.out.println(address);
      }
      signals.awaitTermination();
    }
    return 0;
  }
}
