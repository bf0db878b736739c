package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.ping.Ping;
import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two Java hosts over TCP loopback with noise and mplex. */
class NoiseHostTest {

  private Host server;
  private Host client;

  @BeforeEach
  void startHosts() {
    server = Hosts.noiseMplex();
    client = Hosts.noiseMplex();
    server.start().join();
    client.start().join();
  }

  @AfterEach
  void closeHosts() {
    client.close();
    server.close();
  }

  @Test
  void noiseConnectionEchoesSixteenMebibytesAndPings() throws Exception {
    Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
    assertEquals("/noise", connection.securityProtocol());
    assertEquals(server.peerId(), connection.remotePeer());
    byte[] data = new byte[16 << 20];
    new Random(6).nextBytes(data);
    StreamCollector collector = new StreamCollector();
    Stream stream = client.newStream(server.peerId(), s -> s.pipeline().addLast(collector), Hosts.ECHO).get(30, TimeUnit.SECONDS);
    for (int offset = 0; offset < data.length; offset += 1 << 20) {
      stream.write(Unpooled.wrappedBuffer(data, offset, 1 << 20));
    }
    stream.flush();
    stream.closeWrite();
    assertArrayEquals(data, collector.done.get(60, TimeUnit.SECONDS));
    Hosts.ping(client).ping(server.peerId()).get(30, TimeUnit.SECONDS);
  }
}
