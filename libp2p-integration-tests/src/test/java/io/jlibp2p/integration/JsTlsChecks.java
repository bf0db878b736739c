package io.jlibp2p.integration;

import static io.jlibp2p.integration.AbstractJsInteropTest.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.tls.EmptyNameCertificates;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the TLS interop classes check beyond every stack's checks, against js-libp2p's
 * {@code @libp2p/tls}: the muxer agreed in ALPN whichever side dials (no multistream round for
 * it), and identify both ways. Holds the Java host's inbound connections, which it records.
 */
final class JsTlsChecks {

  /** js's options for TLS over {@code muxer}: identify on, so that both sides identify. */
  static List<String> jsOptions(String muxer) {
    return List.of("--security", "tls", "--muxer", muxer, "--identify");
  }

  /** A command of the js peer that dials the Java host, returning its JSON line. */
  @FunctionalInterface
  interface JsDial {
    String run(String... command) throws Exception;
  }

  private final List<Connection> inbound = new CopyOnWriteArrayList<>();

  /**
   * A Java host over {@code stack} that records its inbound connections. Turns on {@link
   * EmptyNameCertificates}: js's certificates have an empty issuer.
   */
  Host host(Hosts.Stack stack) {
    EmptyNameCertificates.enable();
    return Hosts.serving(stack.builder().eventListener(new EventListener() {
      @Override
      public void connectionOpened(Connection connection, Duration upgradeTime) {
        if (connection.direction() == Direction.INBOUND) {
          inbound.add(connection);
        }
      }
    }));
  }

  /** Java's connection to js, and js's to Java, agreed on the muxer inside the TLS handshake. */
  void assertMuxerAgreedInTheHandshakeBothWays(Host host, Multiaddr js, JsDial jsDials) throws Exception {
    Connection outbound = await(host.dial(js));
    assertTrue(outbound.muxerAgreedInHandshake(), "Java's dial negotiated " + outbound.muxerProtocol() + " with multistream");
    String result = jsDials.run("ping");
    assertTrue(result.contains("\"ok\":true"), result);
    assertFalse(inbound.isEmpty(), "js's dial never reached the Java host");
    Connection fromJs = inbound.get(inbound.size() - 1);
    assertTrue(fromJs.muxerAgreedInHandshake(), "js's dial negotiated " + fromJs.muxerProtocol() + " with multistream");
  }

  /** Java identifies js over TLS, and js identifies Java. */
  void assertIdentifyBothWays(Host host, Multiaddr js, JsDial jsDials) throws Exception {
    IdentifyInfo info = await(host.dial(js)).identify().get(20, TimeUnit.SECONDS);
    assertTrue(info.agentVersion().orElseThrow().startsWith("js-libp2p/"), info.agentVersion().toString());
    assertTrue(info.protocols().containsAll(List.of(Identify.PROTOCOL_ID, Ping.PROTOCOL_ID, Hosts.ECHO)), info.protocols().toString());
    String result = jsDials.run("identify", "--linger", "1000");
    assertTrue(result.contains("\"ok\":true"), result);
    assertTrue(result.contains("\"agentVersion\":\"jlibp2p/"), result);
  }
}
