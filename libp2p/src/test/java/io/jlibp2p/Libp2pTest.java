package io.jlibp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.ProtocolNegotiationException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.testing.TestCertificates;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Libp2pTest {

  @Test
  void defaultStackIsTcpNoiseYamuxAndServesPing() throws Exception {
    try (Host server = Libp2p.hostBuilder().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).build();
        Host client = Libp2p.hostBuilder().build()) {
      server.start().join();
      client.start().join();
      Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      assertEquals("/noise", connection.securityProtocol());
      assertEquals("/yamux/1.0.0", connection.muxerProtocol());
      Duration rtt = client.service(Ping.class).orElseThrow().ping(server.peerId()).get(30, TimeUnit.SECONDS);
      assertTrue(rtt.compareTo(Duration.ofSeconds(10)) < 0);
    }
  }

  @Test
  void defaultStackListensAndDialsOnWebSocket() throws Exception {
    try (Host server = Libp2p.hostBuilder().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/ws")).build();
        Host client = Libp2p.hostBuilder().build()) {
      server.start().join();
      Multiaddr address = server.listenAddresses().get(0);
      assertTrue(address.toString().contains("/ws/p2p/"), address.toString());
      Connection connection = client.dial(address).get(30, TimeUnit.SECONDS);
      assertEquals("/noise", connection.securityProtocol());
      client.service(Ping.class).orElseThrow().ping(server.peerId()).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWebSocketTransportOfYourOwnReplacesTheDefaultOne() throws Exception {
    try (Host server = Libp2p.hostBuilder()
            .transport(WebSocketTransport.builder()
                .serverCertificate(TestCertificates.serverChainPem(), TestCertificates.serverKeyPem())
                .build())
            .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0/wss"))
            .build();
        Host client = Libp2p.hostBuilder()
            .transport(WebSocketTransport.builder().trustedCertificates(TestCertificates.authorityPem()).build())
            .build()) {
      server.start().join();
      // The default transport would verify against the JDK's authorities, and fail.
      Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      assertTrue(connection.remoteAddress().toString().contains("/wss"), connection.remoteAddress().toString());
      client.service(Ping.class).orElseThrow().ping(server.peerId()).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPingOfYourOwnReplacesTheDefaultOne() throws Exception {
    Ping ping = new Ping();
    try (Host server = Libp2p.hostBuilder().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).build();
        Host client = Libp2p.hostBuilder().service(ping).build()) {
      server.start().join();
      assertSame(ping, client.service(Ping.class).orElseThrow());
      client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      assertEquals(3, ping.ping(server.peerId(), 3).get(30, TimeUnit.SECONDS).size());
    }
  }

  @Test
  void withoutPingTheHostRefusesIt() throws Exception {
    try (Host server = Libp2p.hostBuilder()
            .withoutService(Ping.class)
            .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
            .build();
        Host client = Libp2p.hostBuilder().build()) {
      server.start().join();
      assertTrue(server.service(Ping.class).isEmpty());
      client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> client.service(Ping.class).orElseThrow().ping(server.peerId()).get(30, TimeUnit.SECONDS));
      assertInstanceOf(ProtocolNegotiationException.class, e.getCause(), e.toString());
      assertTrue(e.getCause().getMessage().contains(Ping.PROTOCOL_ID), e.getCause().getMessage());
    }
  }

  @Test
  void aBareBuilderSaysWhereTheDefaultsAre() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Host.builder().build());
    assertTrue(e.getMessage().contains("Libp2p.hostBuilder()"), e.getMessage());
  }
}
