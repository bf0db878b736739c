package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code jlibp2p} tool over QUIC: a listener on {@code /udp/0/quic-v1}, reached by every
 * command that dials, and chat listening on QUIC too.
 */
class CliQuicTest {

  private static final String QUIC = "/ip4/127\\.0\\.0\\.1/udp/\\d+/quic-v1/p2p/12D3KooW\\w+";

  @Test
  void everyCommandDialsAQuicListener() throws Exception {
    try (CliProcess listener = CliProcess.start("listen", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1")) {
      String address = listener.nextLine();
      assertTrue(address.matches(QUIC), address);

      String ping = CliProcess.run("ping", address, "--count", "2", "--json").line();
      assertEquals(2, list(ping, "rtts_ms").size(), ping);
      assertEquals("tls", field(ping, "security"));
      assertEquals("quic-v1", field(ping, "muxer"));

      String echo = CliProcess.run("echo", address, "--size", "1048576", "--streams", "4", "--json").line();
      assertEquals("true", field(echo, "ok"), echo);
      assertEquals("4194304", field(echo, "bytes"));

      String identify = CliProcess.run("identify", address, "--json").line();
      assertEquals(List.of(address.substring(0, address.indexOf("/p2p/"))), list(identify, "listenAddrs"));
      assertTrue(field(identify, "observedAddr").matches("/ip4/127\\.0\\.0\\.1/udp/\\d+/quic-v1"), identify);

      try (CliProcess chat = CliProcess.start("chat", "--dial", address, "--json")) {
        String me = field(chat.awaitLine(l -> l.contains("\"listening\"")), "peerId");
        chat.awaitLine(l -> l.contains("\"joined\""));
        chat.type("hello over quic");
        assertEquals("CHAT " + me + " hello over quic", listener.awaitLine(l -> l.startsWith("CHAT ")));
        chat.closeStdin();
        assertEquals(0, chat.waitFor(30), chat.stderr());
      }
    }
  }

  @Test
  void chatListensOnQuicToo() throws Exception {
    try (CliProcess first = CliProcess.start("chat", "--json", "--listen", "/ip4/127.0.0.1/udp/0/quic-v1")) {
      String addr = list(first.awaitLine(l -> l.contains("\"listening\"")), "addrs").get(0);
      assertTrue(addr.matches(QUIC), addr);
      try (CliProcess second = CliProcess.start("chat", "--json", "--dial", addr)) {
        second.awaitLine(l -> l.contains("\"joined\""));
        second.type("hi");
        assertEquals("hi", field(first.awaitLine(l -> l.contains("\"message\"")), "line"));
        second.closeStdin();
        assertEquals(0, second.waitFor(30), second.stderr());
      }
    }
  }
}
