package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.TestCertificates;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code jlibp2p} tool over WebSocket: a listener on {@code /ws}, and on {@code /tls/ws} with
 * {@code --cert} and {@code --key}, reached by every command that dials.
 */
class CliWebSocketTest {

  private static final String WS = "/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/12D3KooW\\w+";

  @Test
  void everyCommandDialsAWebSocketListener() throws Exception {
    try (CliProcess listener = CliProcess.start("listen", "--listen", "/ip4/127.0.0.1/tcp/0/ws")) {
      String address = listener.nextLine();
      assertTrue(address.matches(WS), address);

      String ping = CliProcess.run("ping", address, "--count", "2", "--json").line();
      assertEquals(2, list(ping, "rtts_ms").size(), ping);
      assertEquals("noise", field(ping, "security"));

      String echo = CliProcess.run("echo", address, "--size", "1048576", "--streams", "4", "--json").line();
      assertEquals("true", field(echo, "ok"), echo);
      assertEquals("4194304", field(echo, "bytes"));

      String identify = CliProcess.run("identify", address, "--json").line();
      assertEquals(List.of(address.substring(0, address.indexOf("/p2p/"))), list(identify, "listenAddrs"));
      assertTrue(field(identify, "observedAddr").matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws"), identify);

      try (CliProcess chat = CliProcess.start("chat", "--dial", address, "--json")) {
        String me = field(chat.awaitLine(l -> l.contains("\"listening\"")), "peerId");
        chat.awaitLine(l -> l.contains("\"joined\""));
        chat.type("hello over ws");
        assertEquals("CHAT " + me + " hello over ws", listener.awaitLine(l -> l.startsWith("CHAT ")));
        chat.closeStdin();
        assertEquals(0, chat.waitFor(30), chat.stderr());
      }
    }
  }

  @Test
  void chatListensOnWebSocketToo() throws Exception {
    try (CliProcess first = CliProcess.start("chat", "--json", "--listen", "/ip4/127.0.0.1/tcp/0/ws")) {
      String addr = list(first.awaitLine(l -> l.contains("\"listening\"")), "addrs").get(0);
      assertTrue(addr.matches(WS), addr);
      try (CliProcess second = CliProcess.start("chat", "--json", "--dial", addr)) {
        second.awaitLine(l -> l.contains("\"joined\""));
        second.type("hi");
        assertEquals("hi", field(first.awaitLine(l -> l.contains("\"message\"")), "line"));
        second.closeStdin();
        assertEquals(0, second.waitFor(30), second.stderr());
      }
    }
  }

  @Test
  void perfRunsOverWebSocket() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (CliProcess server = CliProcess.start("perf", "--run-server", "--transport", "ws",
        "--server-address", "127.0.0.1:" + port)) {
      assertTrue(server.nextLine().startsWith("/ip4/127.0.0.1/tcp/" + port + "/ws/p2p/"));
      CliProcess.Result client = CliProcess.run("perf", "--transport", "ws", "--server-address", "127.0.0.1:" + port,
          "--upload-bytes", "10485760", "--download-bytes", "10485760");
      assertEquals(0, client.exit(), client.stderr());
      String last = client.stdout().get(client.stdout().size() - 1);
      assertEquals("final", field(last, "type"), last);
      assertEquals("10485760", field(last, "downloadBytes"));
    }
  }

  @Test
  void aSecureWebSocketListenerServesTheGivenCertificate() throws Exception {
    try (CliProcess listener = CliProcess.start("listen", "--listen", "/ip4/127.0.0.1/tcp/0/tls/ws",
        "--cert", TestCertificates.serverChainPem().toString(), "--key", TestCertificates.serverKeyPem().toString())) {
      String address = listener.nextLine();
      assertTrue(address.matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/tls/ws/p2p/12D3KooW\\w+"), address);
      String trust = TestCertificates.authorityPem().toString();

      String ping = CliProcess.run("ping", address, "--count", "1", "--json", "--trust", trust).line();
      assertEquals(1, list(ping, "rtts_ms").size(), ping);
      String port = address.split("/")[4];
      String bySni = "/ip4/127.0.0.1/tcp/" + port + "/tls/sni/localhost/ws";
      String echo = CliProcess.run("echo", bySni, "--size", "100000", "--json", "--trust", trust).line();
      assertEquals("true", field(echo, "ok"), echo);

      CliProcess.Result untrusted = CliProcess.run("ping", address, "--count", "1");
      assertEquals(1, untrusted.exit(), untrusted.stderr());
      assertTrue(untrusted.stderr().toLowerCase().contains("certificat"), untrusted.stderr());
    }
  }

  @Test
  void aSecureListenAddressWithoutACertificateIsAUsageError() throws Exception {
    CliProcess.Result noCert = CliProcess.run("listen", "--listen", "/ip4/127.0.0.1/tcp/0/wss");
    assertEquals(2, noCert.exit(), noCert.stderr());
    assertTrue(noCert.stderr().contains("--cert"), noCert.stderr());
    CliProcess.Result noKey = CliProcess.run("listen", "--listen", "/ip4/127.0.0.1/tcp/0/wss",
        "--cert", TestCertificates.serverChainPem().toString());
    assertEquals(2, noKey.exit(), noKey.stderr());
    assertTrue(noKey.stderr().contains("--cert and --key go together"), noKey.stderr());
  }
}
