package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code jlibp2p relay}, {@code listen --relay} and the other commands through a relay, as three
 * processes: the listener's circuit address is printed after its others, and ping, echo and
 * identify reach it through the relay and say so.
 */
class CliRelayTest {

  private CliProcess relay;
  private CliProcess listener;
  private String relayAddress;
  private String circuitAddress;

  @BeforeEach
  void startRelayAndListener() throws Exception {
    relay = CliProcess.start("relay", "--limit-data", "1048576");
    relayAddress = relay.nextLine();
    assertTrue(relayAddress.matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/12D3KooW\\w+"), relayAddress);
    listener = CliProcess.start("listen", "--relay", relayAddress);
    String direct = listener.nextLine();
    assertTrue(direct.matches("/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/12D3KooW\\w+"), direct);
    circuitAddress = listener.nextLine();
    String listenerPeer = direct.substring(direct.lastIndexOf('/') + 1);
    assertEquals(relayAddress + "/p2p-circuit/p2p/" + listenerPeer, circuitAddress);
  }

  @AfterEach
  void stop() {
    listener.close();
    relay.close();
  }

  @Test
  void pingThroughTheRelayReportsARelayedConnection() throws Exception {
    String json = CliProcess.run("ping", circuitAddress, "--count", "2", "--json").line();
    assertEquals("relayed", field(json, "connection"), json);
    assertTrue(field(json, "remoteAddress").endsWith("/p2p-circuit"), json);
  }

  @Test
  void echoAndIdentifyWorkThroughTheRelay() throws Exception {
    String echo = CliProcess.run("echo", circuitAddress, "--size", "100000", "--json").line();
    assertEquals("true", field(echo, "ok"), echo);
    assertEquals("relayed", field(echo, "connection"), echo);
    String identify = CliProcess.run("identify", circuitAddress, "--json").line();
    assertTrue(identify.contains("/libp2p/circuit/relay/0.2.0/stop"), identify);
  }

  @Test
  void aDirectDialReportsADirectConnection() throws Exception {
    String json = CliProcess.run("ping", relayAddress, "--count", "1", "--json").line();
    assertEquals("direct", field(json, "connection"), json);
  }
}
