package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.host.internal.HostConnection;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.perf.Perf;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code jlibp2p} tool end to end: separate processes talking over stdin, stdout and TCP. */
class CliTest {

  private CliProcess listener;
  private String address;
  private String listenerPeer;

  @BeforeEach
  void startListener() throws Exception {
    listener = CliProcess.start("listen");
    address = listener.nextLine();
    assertTrue(address.matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/12D3KooW\\w+"), address);
    listenerPeer = address.substring(address.lastIndexOf('/') + 1);
  }

  @AfterEach
  void stopListener() {
    listener.close();
  }

  @Test
  void pingMeasuresEachRoundTripOnOneStream() throws Exception {
    String json = CliProcess.run("ping", address, "--count", "3", "--json").line();
    assertEquals(3, list(json, "rtts_ms").size(), json);
    assertEquals(listenerPeer, field(json, "remotePeer"));
    assertEquals("noise", field(json, "security"));
    assertEquals("yamux", field(json, "muxer"));
  }

  @Test
  void atLogLevelTraceARunLogsItsConnectionFromUpgradeToClose() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", address, "--count", "1", "--log-level", "trace");
    assertEquals(0, result.exit(), result.stderr());
    for (String line : List.of("TRACE io.jlibp2p.core.host - dialing /ip4/127.0.0.1/tcp/",
        "DEBUG io.jlibp2p.core.host - connection OUTBOUND " + listenerPeer,
        "DEBUG io.jlibp2p.core.host - stream ")) {
      assertTrue(result.stderr().contains(line), "no \"" + line + "\" in:\n" + result.stderr());
    }
    assertFalse(result.stderr().contains("ERROR"), result.stderr());
  }

  @Test
  void anUnknownLogLevelIsAUsageError() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", address, "--log-level", "loud");
    assertEquals(2, result.exit(), result.stderr());
    assertTrue(result.stderr().contains("--log-level: unknown \"loud\"; choose from error, warn, info, debug, trace"), result.stderr());
  }

  @Test
  void echoChecksEveryByteOnConcurrentStreams() throws Exception {
    String json = CliProcess.run("echo", address, "--size", "300000", "--streams", "3", "--muxer", "mplex", "--json").line();
    assertEquals("true", field(json, "ok"), json);
    assertEquals("900000", field(json, "bytes"));
    assertEquals("mplex", field(json, "muxer"));
    assertTrue(Double.parseDouble(field(json, "elapsed_ms")) > 0, json);
  }

  @Test
  void echoOfAMessagePrintsIt() throws Exception {
    CliProcess.Result result = CliProcess.run("echo", address, "--message", "héllo, wörld");
    assertEquals(0, result.exit(), result.stderr());
    assertEquals("héllo, wörld", result.stdout().get(0));
  }

  @Test
  void identifyPrintsWhatTheListenerSays() throws Exception {
    String json = CliProcess.run("identify", address, "--json", "--security", "plaintext,noise").line();
    assertTrue(field(json, "agentVersion").startsWith("jlibp2p/"), json);
    assertEquals("ipfs/0.1.0", field(json, "protocolVersion"));
    assertEquals("ED25519", field(json, "publicKeyType"));
    assertEquals(List.of(address.substring(0, address.indexOf("/p2p/"))), list(json, "listenAddrs"));
    assertTrue(field(json, "observedAddr").startsWith("/ip4/127.0.0.1/tcp/"), json);
    assertTrue(list(json, "protocols").containsAll(List.of("/chat/1.0.0", "/echo/1.0.0", "/ipfs/id/1.0.0", "/ipfs/ping/1.0.0")), json);
    assertEquals("noise", field(json, "security"), "the listener has no plaintext, so the dialer falls back to noise");
  }

  @Test
  void theListenerPrintsChatLinesItReceives() throws Exception {
    try (CliProcess chat = CliProcess.start("chat", "--dial", address, "--json")) {
      String me = field(chat.awaitLine(l -> l.contains("\"listening\"")), "peerId");
      chat.awaitLine(l -> l.contains("\"joined\""));
      chat.type("hello, listener");
      assertEquals("CHAT " + me + " hello, listener", listener.awaitLine(l -> l.startsWith("CHAT ")));
      chat.closeStdin();
      assertEquals(0, chat.waitFor(30), chat.stderr());
    }
  }

  /** Piped input, as {@code printf 'a\nb\nc\n' | jlibp2p chat --dial ADDR}: the exit must not lose a line. */
  @Test
  void pipedChatLinesAllArriveEveryTime() throws Exception {
    for (int run = 0; run < PIPED_CHAT_RUNS; run++) {
      try (CliProcess chat = CliProcess.start("chat", "--dial", address, "--json")) {
        List<String> lines = List.of("first " + run, "second " + run, "third " + run);
        for (String line : lines) {
          chat.type(line);
        }
        chat.closeStdin();
        String me = field(chat.awaitLine(l -> l.contains("\"listening\"")), "peerId");
        assertEquals(0, chat.waitFor(30), chat.stderr());
        for (String line : lines) {
          assertEquals("CHAT " + me + " " + line, listener.awaitLine(l -> l.startsWith("CHAT ")), "run " + run);
        }
      }
    }
  }

  /** How often the piped chat runs: loss used to show about one run in four. */
  static final int PIPED_CHAT_RUNS = 20;

  @Test
  void twoChatPeersExchangeLines() throws Exception {
    try (CliProcess first = CliProcess.start("chat", "--json");
        CliProcess second = start(first)) {
      second.awaitLine(l -> l.contains("\"joined\""));
      first.awaitLine(l -> l.contains("\"joined\""));
      second.type("hi first");
      assertEquals("hi first", field(first.awaitLine(l -> l.contains("\"message\"")), "line"));
      first.type("hi second");
      assertEquals("hi second", field(second.awaitLine(l -> l.contains("\"message\"")), "line"));
      second.closeStdin();
      assertEquals(0, second.waitFor(30), second.stderr());
      first.awaitLine(l -> l.contains("\"left\""));
      first.closeStdin();
      assertEquals(0, first.waitFor(30), first.stderr());
    }
  }

  private static CliProcess start(CliProcess first) throws Exception {
    String listening = first.awaitLine(l -> l.contains("\"listening\""));
    return CliProcess.start("chat", "--json", "--dial", list(listening, "addrs").get(0));
  }

  @Test
  void perfFollowsTheTestPlansContract() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (CliProcess server = CliProcess.start("perf", "--run-server", "--server-address", "127.0.0.1:" + port)) {
      assertTrue(server.nextLine().startsWith("/ip4/127.0.0.1/tcp/" + port + "/p2p/"));
      CliProcess.Result client = CliProcess.run("perf", "--server-address", "127.0.0.1:" + port, "--transport", "tcp",
          "--upload-bytes", "52428800", "--download-bytes", "31457280");
      assertEquals(0, client.exit(), client.stderr());
      String last = client.stdout().get(client.stdout().size() - 1);
      assertEquals("final", field(last, "type"), last);
      assertEquals("52428800", field(last, "uploadBytes"));
      assertEquals("31457280", field(last, "downloadBytes"));
      assertTrue(Double.parseDouble(field(last, "timeSeconds")) > 0, last);
      for (String line : client.stdout().subList(0, client.stdout().size() - 1)) {
        assertEquals("intermediary", field(line, "type"), line);
        Long.parseLong(field(line, "uploadBytes"));
        Long.parseLong(field(line, "downloadBytes"));
      }
      server.terminate();
      assertEquals(0, server.waitFor(30), server.stderr());
    }
  }

  @Test
  void listenServesPerf() throws Exception {
    String hostPort = "127.0.0.1:" + address.split("/")[4];
    String last = CliProcess.run("perf", "--server-address", hostPort, "--upload-bytes", "1", "--download-bytes", "1").line();
    assertEquals("final", field(last, "type"), last);
    assertEquals("1", field(last, "downloadBytes"));
  }

  @Test
  void perfIterationsEachDialANewConnection() throws Exception {
    Set<Connection> served = ConcurrentHashMap.newKeySet();
    try (Host server = Hosts.noiseYamux()) {
      StreamHandler perf = Perf.handler();
      server.setStreamHandler(Perf.PROTOCOL_ID, stream -> {
        served.add(HostConnection.of(stream));
        perf.handle(stream);
      });
      server.start().join();
      String hostPort = "127.0.0.1:" + server.listenAddresses().get(0).valueOf(MultiaddrProtocol.TCP).orElseThrow();
      CliProcess.Result result = CliProcess.run("perf", "--server-address", hostPort, "--upload-bytes", "1000", "--download-bytes", "2000",
          "--iterations", "3");
      assertEquals(0, result.exit(), result.stderr());
      List<String> finals = result.stdout().stream().filter(line -> JsonLine.has(line, "type", "final")).toList();
      assertEquals(3, finals.size(), result.stdout().toString());
      for (int i = 0; i < 3; i++) {
        assertEquals(Integer.toString(i + 1), field(finals.get(i), "iteration"));
        assertEquals("2000", field(finals.get(i), "downloadBytes"));
      }
      assertEquals(3, served.size(), "one connection per iteration");
    }
  }

  @Test
  void footprintMeasuresBothSides() throws Exception {
    // 4,000 streams, about 5 MB: enough to stand above what the heap drops between two readings
    // for reasons of its own (with Conscrypt's cipher, about 0.5 MB, so 400 streams read as 0).
    CliProcess.Result result = CliProcess.run("footprint", "--connections", "100", "--streams", "4000", "--json");
    assertEquals(0, result.exit(), result.stderr());
    String json = result.line();
    assertEquals("100", field(json, "connections"), json);
    assertEquals("4000", field(json, "streams"), json);
    // The dialer's figures come first; a connection costs kilobytes, not nothing and not megabytes.
    long perConnection = Long.parseLong(field(json, "heapBytesPerConnection"));
    assertTrue(perConnection > 0 && perConnection < (1 << 20), json);
    long perStream = Long.parseLong(field(json, "heapBytesPerStream"));
    assertTrue(perStream > 0 && perStream < (1 << 20), json);
    String listenerPart = json.substring(json.indexOf("\"listener\""));
    assertTrue(Long.parseLong(field(listenerPart, "heapBytesPerConnection")) > 0, json);
  }

  @Test
  void trainRunsEachSecureChannelWithEachMuxerInOneProcess() throws Exception {
    CliProcess.Result result = CliProcess.run("train", "--security", "noise,plaintext", "--muxer", "yamux,mplex",
        "--connections", "3", "--bytes", "65536", "--json");
    assertEquals(0, result.exit(), result.stderr());
    String json = result.line();
    assertEquals("4", field(json, "stacks"), json);
    assertEquals("16", field(json, "connections"), "3 small ones and a large one per stack: " + json);
    assertEquals(Long.toString(4 * 2 * 65536), field(json, "bytes"), json);
  }

  @Test
  void listenExitsZeroOnSigterm() throws Exception {
    CliProcess.run("ping", address, "--count", "1");
    listener.terminate();
    assertEquals(0, listener.waitFor(30), listener.stderr());
  }

  @Test
  void listenExitsZeroOnSigint() throws Exception {
    new ProcessBuilder("kill", "-INT", Long.toString(listener.pid())).start().waitFor();
    assertEquals(0, listener.waitFor(30), listener.stderr());
  }

  @Test
  void aFailureIsOneLineOnStderrAndExitCodeOne() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", "/ip4/127.0.0.1/tcp/1");
    assertEquals(1, result.exit());
    assertEquals(1, result.stderr().lines().count(), result.stderr());
    assertTrue(result.stderr().startsWith("error: dial /ip4/127.0.0.1/tcp/1 failed"), result.stderr());
    assertTrue(result.stdout().isEmpty());
  }

  @Test
  void withJsonAFailureIsAlsoAJsonLine() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", "/ip4/127.0.0.1/tcp/1", "--json");
    assertEquals(1, result.exit());
    assertEquals("false", field(result.line(), "ok"));
  }

  @Test
  void aUsageErrorExitsTwo() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", address, "--security", "tls,quic");
    assertEquals(2, result.exit(), result.stderr());
    assertTrue(result.stderr().startsWith(
        "error: --security: unknown \"quic\"; choose from noise, tls, secio, plaintext, comma-separated in order of preference"),
        result.stderr());
    assertFalse(result.stderr().contains("\tat "), "no stack trace without --verbose: " + result.stderr());
  }

  @Test
  void anInvalidMultiaddrIsAUsageErrorSaidOnce() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", "/ip4/bad", "--json");
    assertEquals(2, result.exit(), result.stderr());
    assertEquals("error: invalid multiaddr \"/ip4/bad\": invalid component /ip4/bad: not an IPv4 address\n",
        result.stderr().replace("\r", ""));
    assertEquals("false", field(result.line(), "ok"));
  }

  @Test
  void withJsonAParsingErrorIsAlsoAJsonLine() throws Exception {
    CliProcess.Result result = CliProcess.run("ping", address, "--count", "x", "--json");
    assertEquals(2, result.exit(), result.stderr());
    assertEquals("false", field(result.line(), "ok"));
    assertTrue(field(result.line(), "error").contains("'x' is not an int"), result.line());
    assertTrue(result.stderr().contains("Run 'jlibp2p ping --help' for usage."), result.stderr());
  }

  @Test
  void perfFootprintAndTrainRejectImpossibleCountsAsUsageErrors() throws Exception {
    CliProcess.Result perf = CliProcess.run("perf", "--server-address", "127.0.0.1:1", "--iterations", "0");
    assertEquals(2, perf.exit(), perf.stderr());
    assertTrue(perf.stderr().contains("--iterations must be at least 1"), perf.stderr());
    CliProcess.Result footprint = CliProcess.run("footprint", "--connections", "0");
    assertEquals(2, footprint.exit(), footprint.stderr());
    assertTrue(footprint.stderr().contains("--connections must be at least 1"), footprint.stderr());
    CliProcess.Result train = CliProcess.run("train", "--bytes", "-1");
    assertEquals(2, train.exit(), train.stderr());
    assertTrue(train.stderr().contains("--bytes not negative"), train.stderr());
  }

  @Test
  void aPersistentIdentityKeepsItsPeerId(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String keyFile = dir.resolve("node.key").toString();
    String first = pingedPeer(keyFile);
    assertEquals(first, pingedPeer(keyFile));
  }

  private static String pingedPeer(String keyFile) throws Exception {
    try (CliProcess node = CliProcess.start("listen", "--key-file", keyFile, "--key-type", "secp256k1")) {
      String address = node.nextLine();
      String json = CliProcess.run("ping", address, "--count", "1", "--json").line();
      return field(json, "remotePeer");
    }
  }
}
