package io.jlibp2p.examples;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jlibp2p chat}: sends each line typed to every connected chat peer, and prints each line
 * that arrives after the sender's short peer ID. Ends at the end of input (Ctrl-D).
 */
@Command(name = "chat", description = {
    "Chat over " + ChatRoom.PROTOCOL_ID + ": each line typed goes to every connected peer.",
    "Start one peer, then another with --dial and an address the first one printed."})
final class ChatCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Option(names = "--dial", paramLabel = "ADDR", description = "A chat peer to connect to, such as /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...")
  String dial;

  @Override
  public Integer call() throws IOException {
    try (Host host = options.buildHost(List.of("/ip4/127.0.0.1/tcp/0"), connectionEvents())) {
      ChatRoom room = new ChatRoom(new ChatRoom.Listener() {
        @Override
        public void line(PeerId from, String line) {
          print(new Json().put("event", "message").put("from", from.toString()).put("line", line),
              "[" + Cli.shortId(from) + "] " + line);
        }

        @Override
        public void joined(PeerId peer) {
          print(new Json().put("event", "joined").put("peer", peer.toString()), "* " + Cli.shortId(peer) + " joined (" + peer + ")");
        }

        @Override
        public void left(PeerId peer) {
          print(new Json().put("event", "left").put("peer", peer.toString()), "* " + Cli.shortId(peer) + " left");
        }
      });
      host.setStreamHandler(ChatRoom.PROTOCOL_ID, room.handler());
      Cli.await(host.start(), options.timeout(), "listen");
      List<String> addresses = host.listenAddresses().stream().map(Multiaddr::toString).toList();
      print(new Json().put("event", "listening").put("peerId", host.peerId().toString()).put("addrs", addresses),
          "You are " + host.peerId() + " (" + Cli.shortId(host.peerId()) + "), listening on:\n  "
              + String.join("\n  ", addresses)
              + "\nFrom another terminal: ./jlibp2p chat --dial " + addresses.get(0)
              + "\nType a line and press Enter to send it; Ctrl-D quits.");
      if (dial != null) {
        Connection connection = options.connect(host, dial);
        Cli.await(room.join(host, connection.remotePeer()), options.timeout(), "open a chat stream to " + connection.remotePeer());
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (room.send(line) == 0) {
          System.err.println("(nobody is connected yet: the line was not sent)");
        }
      }
    }
    return 0;
  }

  /** Connections as they come and go, from the host's events rather than by asking it. */
  private EventListener connectionEvents() {
    return new EventListener() {
      @Override
      public void connectionOpened(Connection connection, Duration upgradeTime) {
        print(new Json().put("event", "connected").put("peer", connection.remotePeer().toString())
                .put("addr", connection.remoteAddress().toString()),
            "* connected to " + Cli.shortId(connection.remotePeer()) + " at " + connection.remoteAddress() + " ("
                + Stacks.shortName(connection.securityProtocol()) + ", " + Stacks.shortName(connection.muxerProtocol()) + ")");
      }

      @Override
      public void connectionClosed(Connection connection, Connection.CloseReason reason, Duration lifetime) {
        print(new Json().put("event", "disconnected").put("peer", connection.remotePeer().toString())
                .put("by", reason == Connection.CloseReason.LOCAL ? "us" : "peer"),
            "* connection to " + Cli.shortId(connection.remotePeer()) + " closed"
                + (reason == Connection.CloseReason.LOCAL ? "" : " by the peer"));
      }
    };
  }

  private synchronized void print(Json json, String human) {
    options.out.println(options.json ? json.toString() : human);
  }
}
