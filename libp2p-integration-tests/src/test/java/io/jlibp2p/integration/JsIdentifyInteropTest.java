package io.jlibp2p.integration;

import static io.jlibp2p.integration.JsonLine.field;
import static io.jlibp2p.integration.JsonLine.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.peerstore.PeerMetadata;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * identify and identify push against js-libp2p 3.x ({@code @libp2p/identify}), both directions,
 * over noise and yamux. What js stored about us is read back from its peer store.
 */
class JsIdentifyInteropTest {

  private Host host;

  @BeforeEach
  void startHost() {
    host = Hosts.noiseYamux();
    host.start().join();
  }

  @AfterEach
  void closeHost() {
    host.close();
  }

  private List<String> ourAddresses() {
    return host.listenAddresses().stream().map(a -> a.decapsulate(MultiaddrProtocol.P2P).toString()).toList();
  }

  /** Asks js for its peer store entry about us until {@code condition} holds (js works asynchronously). */
  private String jsEntryAboutUs(JsPeer js, java.util.function.Predicate<String> condition) throws Exception {
    return Eventually.await("js's entry about us matches", Duration.ofSeconds(15), () -> js.command("peer " + host.peerId(), "peer"), condition);
  }

  @Test
  void weReadEveryFieldJsSendsAndJsStoresWhatWeSend() throws Exception {
    try (JsPeer js = JsPeer.listen("--security", "noise", "--muxer", "yamux", "--identify")) {
      Connection connection = host.dial(js.address()).get(20, TimeUnit.SECONDS);
      IdentifyInfo info = connection.identify().get(20, TimeUnit.SECONDS);
      PeerId jsPeer = PeerId.fromMultiaddr(js.address()).orElseThrow();
      Multiaddr jsListen = js.address().decapsulate(MultiaddrProtocol.P2P);

      // What js told us.
      assertTrue(info.agentVersion().orElseThrow().startsWith("js-libp2p/"), info.agentVersion().toString());
      assertEquals(Identify.PROTOCOL_VERSION, info.protocolVersion().orElseThrow());
      assertTrue(jsPeer.matches(info.publicKey().orElseThrow()));
      assertEquals(List.of(jsListen), info.listenAddresses());
      assertEquals(connection.localAddress(), info.observedAddress().orElseThrow().decapsulate(MultiaddrProtocol.P2P));
      assertTrue(info.protocols().containsAll(List.of(Identify.PROTOCOL_ID, Identify.PUSH_PROTOCOL_ID, Ping.PROTOCOL_ID, Hosts.ECHO)), info.protocols().toString());
      PeerRecord record = info.signedPeerRecord().orElseThrow().record();
      assertEquals(jsPeer, record.peerId());
      assertEquals(List.of(jsListen), record.addresses());

      // What we stored about js.
      assertEquals(List.of(jsListen), host.peerstore().addresses(jsPeer));
      assertEquals(info.signedPeerRecord(), host.peerstore().peerRecord(jsPeer));
      assertTrue(host.peerstore().supports(jsPeer, Hosts.ECHO));
      PeerMetadata metadata = host.peerstore().metadata(jsPeer);
      assertEquals(info.agentVersion(), metadata.agentVersion());
      assertEquals(connection.localAddress(), host.observedAddresses().addresses(1).get(0).address());

      // What js stored about us: our signed record made every address certified.
      String entry = jsEntryAboutUs(js, e -> e.contains("\"hasPeerRecordEnvelope\":true"));
      assertTrue(field(entry, "agentVersion").startsWith("jlibp2p/"), entry);
      assertEquals(Identify.PROTOCOL_VERSION, field(entry, "protocolVersion"));
      assertEquals("Ed25519", field(entry, "publicKeyType"));
      assertTrue(list(entry, "protocols").containsAll(List.of(Identify.PROTOCOL_ID, Identify.PUSH_PROTOCOL_ID, Ping.PROTOCOL_ID, Hosts.ECHO)), entry);
      assertEquals(ourAddresses(), addresses(entry, true));
      assertEquals(List.of(), addresses(entry, false));
      assertEquals(Long.toUnsignedString(host.signedPeerRecord().record().seq()), field(entry, "seq"));
    }
  }

  @Test
  void pushesGoBothWays() throws Exception {
    try (JsPeer js = JsPeer.listen("--security", "noise", "--muxer", "yamux", "--identify")) {
      Connection connection = host.dial(js.address()).get(20, TimeUnit.SECONDS);
      connection.identify().get(20, TimeUnit.SECONDS);
      PeerId jsPeer = PeerId.fromMultiaddr(js.address()).orElseThrow();
      jsEntryAboutUs(js, e -> list(e, "protocols").contains(Hosts.ECHO));

      host.setStreamHandler("/from-java/1.0.0", stream -> stream.close());
      jsEntryAboutUs(js, e -> list(e, "protocols").contains("/from-java/1.0.0"));

      js.command("handle /from-js/1.0.0", "handled");
      Eventually.await("js's push reaches us", 15, () -> host.peerstore().supports(jsPeer, "/from-js/1.0.0"));
      assertTrue(host.peerstore().supports(jsPeer, Hosts.ECHO), "a push replaces the list with js's whole new list");
    }
  }

  @Test
  void jsDialsUsAndReadsEveryField() throws Exception {
    Multiaddr target = host.listenAddresses().get(0);
    // --linger keeps js connected after its own identify: ours of js runs at the same time, and a
    // js that exits at once can close the connection before our request is answered.
    String result = JsPeer.dial(target, "identify", "--linger", "1000", "--security", "noise", "--muxer", "yamux");
    assertEquals("true", field(result, "ok"), result);
    assertTrue(field(result, "agentVersion").startsWith("jlibp2p/"), result);
    assertEquals(Identify.PROTOCOL_VERSION, field(result, "protocolVersion"));
    assertEquals(ourAddresses(), list(result, "listenAddrs"));
    assertEquals("true", field(result, "hasSignedPeerRecord"));
    assertEquals(ourAddresses(), list(result, "signedPeerRecordAddrs"));
    assertTrue(field(result, "observedAddr").startsWith("/ip4/127.0.0.1/tcp/"), result);
    assertTrue(list(result, "protocols").containsAll(List.of(Identify.PROTOCOL_ID, Ping.PROTOCOL_ID, Hosts.ECHO)), result);
    assertEquals(ourAddresses(), addresses(result, true), "js accepted our signed record: every address certified");

    PeerId jsPeer = PeerId.fromString(field(result, "localPeer"));
    Eventually.await("we identified js", 15, () -> host.peerstore().metadata(jsPeer).agentVersion().isPresent());
    assertTrue(host.peerstore().metadata(jsPeer).agentVersion().get().startsWith("js-libp2p/"));
    assertTrue(host.peerstore().supports(jsPeer, Identify.PROTOCOL_ID));
  }

  /** The addresses in a js peer store entry that are (or are not) certified. */
  private static List<String> addresses(String json, boolean certified) {
    Matcher m = Pattern.compile("\\{\"multiaddr\":\"([^\"]+)\",\"isCertified\":(true|false)\\}").matcher(json);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      if (Boolean.parseBoolean(m.group(2)) == certified) {
        found.add(m.group(1));
      }
    }
    return found;
  }
}
