package io.jlibp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.ping.Ping;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class Libp2pTest {

  @Test
  void defaultStackIsTcpNoiseYamux() throws Exception {
    Ping ping = new Ping();
    try (Host server = Libp2p.hostBuilder().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).service(new Ping()).build();
        Host client = Libp2p.hostBuilder().service(ping).build()) {
      server.start().join();
      client.start().join();
      Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
      assertEquals("/noise", connection.securityProtocol());
      assertEquals("/yamux/1.0.0", connection.muxerProtocol());
      Duration rtt = ping.ping(server.peerId()).get(30, TimeUnit.SECONDS);
      assertTrue(rtt.compareTo(Duration.ofSeconds(10)) < 0);
    }
  }

  @Test
  void aBareBuilderSaysWhereTheDefaultsAre() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Host.builder().build());
    assertTrue(e.getMessage().contains("Libp2p.hostBuilder()"), e.getMessage());
  }
}
