package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code jlibp2p} tool against a js-libp2p listener. */
class CliJsInteropTest {

  @Test
  void pingAndEchoAgainstJsOverNoiseAndYamux() throws Exception {
    try (JsPeer js = JsPeer.listen("--security", "noise", "--muxer", "yamux")) {
      String target = js.address().toString();
      String ping = CliProcess.run("ping", target, "--count", "3", "--json").line();
      assertEquals(3, list(ping, "rtts_ms").size(), ping);
      assertEquals(target.substring(target.lastIndexOf('/') + 1), field(ping, "remotePeer"));

      String echo = CliProcess.run("echo", target, "--size", "1048576", "--streams", "4", "--json").line();
      assertEquals("true", field(echo, "ok"), echo);
      assertEquals("4194304", field(echo, "bytes"));
    }
  }

  @Test
  void pipedChatLinesAllReachJsEveryTime() throws Exception {
    try (JsPeer js = JsPeer.listen("--security", "noise", "--muxer", "yamux", "--chat")) {
      for (int run = 0; run < CliTest.PIPED_CHAT_RUNS; run++) {
        try (CliProcess chat = CliProcess.start("chat", "--dial", js.address().toString(), "--json")) {
          List<String> lines = List.of("first " + run, "second " + run, "third " + run);
          for (String line : lines) {
            chat.type(line);
          }
          chat.closeStdin();
          String me = field(chat.awaitLine(l -> l.contains("\"listening\"")), "peerId");
          assertEquals(0, chat.waitFor(30), chat.stderr());
          for (String line : lines) {
            String event = js.nextOfType("chat");
            assertEquals(me, field(event, "peerId"), "run " + run);
            assertEquals(line, field(event, "line"), "run " + run);
          }
          assertEquals(me, field(js.nextOfType("chat-end"), "peerId"));
        }
      }
    }
  }

  @Test
  void pingAndEchoAgainstJsOverPlaintextAndMplex() throws Exception {
    try (JsPeer js = JsPeer.listen("--security", "plaintext", "--muxer", "mplex")) {
      String target = js.address().toString();
      String ping = CliProcess.run("ping", target, "--security", "plaintext", "--muxer", "mplex", "--json").line();
      assertEquals("plaintext", field(ping, "security"));
      assertEquals("mplex", field(ping, "muxer"));

      String echo = CliProcess.run("echo", target, "--message", "hello js", "--security", "plaintext", "--muxer", "mplex", "--json").line();
      assertEquals("true", field(echo, "ok"), echo);
      assertTrue(Long.parseLong(field(echo, "bytes")) == 8, echo);
    }
  }

  @Test
  void pingAndEchoAgainstJsOverTls() throws Exception {
    try (JsPeer js = JsPeer.listen("--security", "tls", "--muxer", "yamux")) {
      String target = js.address().toString();
      String ping = CliProcess.run("ping", target, "--security", "tls", "--json").line();
      assertEquals("tls", field(ping, "security"), ping);
      assertEquals("yamux", field(ping, "muxer"), ping);
      String echo = CliProcess.run("echo", target, "--size", "1048576", "--security", "tls", "--json").line();
      assertEquals("true", field(echo, "ok"), echo);
    }
  }

  @Test
  void jsPingsAndEchoesAListenerOverTls() throws Exception {
    try (CliProcess listener = CliProcess.start("listen", "--security", "tls")) {
      Multiaddr address = Multiaddr.fromString(listener.nextLine());
      String ping = JsPeer.dial(address, "ping", "--security", "tls", "--muxer", "yamux");
      assertTrue(ping.contains("\"ok\":true"), ping);
      String echo = JsPeer.dial(address, "echo", "1048576", "--security", "tls", "--muxer", "yamux");
      assertTrue(echo.contains("\"ok\":true") && echo.contains("\"bytes\":1048576"), echo);
    }
  }
}
