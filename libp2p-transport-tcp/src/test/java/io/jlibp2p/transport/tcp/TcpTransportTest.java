package io.jlibp2p.transport.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.core.conformance.AbstractTransportTest;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TcpTransportTest extends AbstractTransportTest {

  @Override
  protected Transport createTransport() {
    return TcpTransport.builder().threads(2).build();
  }

  @Override
  protected Multiaddr listenAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/tcp/0");
  }

  @Override
  protected Multiaddr unsupportedAddress() {
    return Multiaddr.fromString("/ip4/127.0.0.1/udp/4001/quic-v1");
  }

  @Override
  protected String threadNamePrefix() {
    return "jlibp2p-tcp";
  }

  @Test
  void usesEpollOnLinux() {
    assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
    assertEquals("epoll", ((TcpTransport) transport).socketImplementation());
  }

  @Test
  void nioWorksToo() throws Exception {
    try (TcpTransport nio = TcpTransport.builder().preferNative(false).threads(1).build()) {
      assertEquals("nio", nio.socketImplementation());
      TransportListener listener = await(nio.listen(listenAddress(), c -> {}));
      RawConnection dialed = await(nio.dial(listener.addresses().get(0), c -> {}));
      assertTrue(dialed.channel().isActive());
    }
  }

  @Test
  void listenerOnPortZeroReportsTheRealPort() throws Exception {
    TransportListener listener = listen(c -> {});
    int port = Integer.parseInt(listener.addresses().get(0).valueOf(MultiaddrProtocol.TCP).orElseThrow());
    assertTrue(port > 0);
  }

  @Test
  void dialsIp6Loopback() throws Exception {
    assumeTrue(ip6LoopbackWorks(), "no IPv6 loopback here");
    TransportListener listener = await(transport.listen(Multiaddr.fromString("/ip6/::1/tcp/0"), c -> {}));
    Multiaddr bound = listener.addresses().get(0);
    assertTrue(bound.toString().startsWith("/ip6/::1/tcp/"), bound.toString());
    assertEquals(bound, await(transport.dial(bound, c -> {})).remoteAddress());
  }

  @Test
  void dialsDns4AndDnsNames() throws Exception {
    TransportListener listener = listen(c -> {});
    String port = listener.addresses().get(0).valueOf(MultiaddrProtocol.TCP).orElseThrow();
    for (String name : List.of("/dns4/localhost/tcp/", "/dns/localhost/tcp/")) {
      RawConnection dialed = await(transport.dial(Multiaddr.fromString(name + port), c -> {}));
      assertTrue(dialed.remoteAddress().toString().endsWith("/tcp/" + port));
    }
  }

  @Test
  void unresolvableNameFailsClearly() {
    Multiaddr address = Multiaddr.fromString("/dns4/no-such-host.invalid/tcp/1");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> transport.dial(address, c -> {}).get(20, TimeUnit.SECONDS));
    TransportException failure = assertInstanceOf(TransportException.class, e.getCause());
    assertTrue(failure.getMessage().contains("no-such-host.invalid"), failure.getMessage());
  }

  @Test
  void aClosedTransportFailsDialsAndListensAtOnceSayingWhy() throws Exception {
    TcpTransport closed = TcpTransport.builder().threads(1).build();
    closed.close();
    Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/1");
    for (Supplier<CompletableFuture<?>> attempt : List.<Supplier<CompletableFuture<?>>>of(
        () -> closed.dial(address, c -> {}), () -> closed.listen(address, c -> {}))) {
      CompletableFuture<?> future = attempt.get();
      assertTrue(future.isDone(), "fails at once instead of never");
      ExecutionException e = assertThrows(ExecutionException.class, future::get);
      TransportException failure = assertInstanceOf(TransportException.class, e.getCause());
      assertTrue(failure.getMessage().contains("this TcpTransport is closed"), failure.getMessage());
    }
  }

  /** A server whose accept queue is full drops SYNs, so the connect hangs until the timeout. */
  @Test
  void dialTimesOut() throws Exception {
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TcpTransport quick = TcpTransport.builder().threads(1).connectTimeout(Duration.ofMillis(300)).build()) {
      List<Socket> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket filler = new Socket();
          try {
            filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
            fillers.add(filler);
          } catch (java.io.IOException timedOut) {
            filler.close();
            break; // the queue is full
          }
        }
        Multiaddr address = Multiaddr.fromString("/ip4/127.0.0.1/tcp/" + full.getLocalPort());
        long start = System.nanoTime();
        ExecutionException e =
            assertThrows(ExecutionException.class, () -> quick.dial(address, c -> {}).get(20, TimeUnit.SECONDS));
        TransportException failure = assertInstanceOf(TransportException.class, e.getCause());
        assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
      } finally {
        for (Socket filler : fillers) {
          filler.close();
        }
      }
    }
  }

  private static boolean ip6LoopbackWorks() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
