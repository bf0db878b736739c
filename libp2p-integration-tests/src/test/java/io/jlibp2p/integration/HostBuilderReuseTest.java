package io.jlibp2p.integration;

import static io.jlibp2p.testing.CauseAssertions.assertCause;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.Libp2p;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.transport.tcp.TcpTransport;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A builder and a transport belong to one host: reusing either fails at once, saying so, where it
 * used to leave the second host's dials pending for ever once the first host had closed.
 */
class HostBuilderReuseTest {

  @Test
  void aSecondBuildFromOneBuilderIsRefused() throws Exception {
    Host.Builder builder = Libp2p.hostBuilder().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"));
    try (Host first = builder.build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
      assertTrue(e.getMessage().contains("has built a host already"), e.getMessage());
      assertTrue(e.getMessage().contains("new builder"), e.getMessage());
      first.start().get(30, TimeUnit.SECONDS); // the first host is untouched
    }
  }

  @Test
  void aTransportThatClosedWithItsHostFailsTheNextHostAtOnce() throws Exception {
    TcpTransport shared = TcpTransport.builder().threads(1).build();
    Host.Builder first = Hosts.Stack.NOISE_YAMUX.builder().transport(shared);
    first.build().close();
    try (Host second = Hosts.Stack.NOISE_YAMUX.builder().transport(shared)
        .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).build()) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> second.start().get(30, TimeUnit.SECONDS));
      TransportException failure = assertCause(TransportException.class, e);
      assertTrue(failure.getMessage().contains("this TcpTransport is closed"), failure.getMessage());
      ExecutionException dial = assertThrows(ExecutionException.class,
          () -> second.dial(Multiaddr.fromString("/ip4/127.0.0.1/tcp/1")).get(30, TimeUnit.SECONDS));
      assertTrue(dial.getCause().getMessage().contains("this TcpTransport is closed"), dial.getCause().getMessage());
    }
  }
}
