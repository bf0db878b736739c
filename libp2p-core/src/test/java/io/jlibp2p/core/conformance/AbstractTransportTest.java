package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.core.transport.TransportException;
import io.jlibp2p.core.transport.TransportListener;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.Eventually;
import io.jlibp2p.testing.Threads;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link Transport} passes: subclass it in the transport's module and
 * supply the transport and addresses. Published in libp2p-core's test-jar.
 */
public abstract class AbstractTransportTest {

  private static final long TIMEOUT_SECONDS = 20;

  /** A fresh transport; the suite closes it. */
  protected abstract Transport createTransport();

  /** An address to listen on that lets the system choose, e.g. {@code /ip4/127.0.0.1/tcp/0}. */
  protected abstract Multiaddr listenAddress();

  /** An address this transport cannot handle at all. */
  protected abstract Multiaddr unsupportedAddress();

  /** The prefix of the names of the transport's threads, to prove close() stops them. */
  protected abstract String threadNamePrefix();

  protected Transport transport;

  @BeforeEach
  void createTheTransport() {
    transport = createTransport();
  }

  @AfterEach
  void closeTheTransport() {
    transport.close();
  }

  @Test
  void listenerReportsAnAddressItCanBeDialedOn() throws Exception {
    TransportListener listener = listen(connection -> {});
    assertEquals(1, listener.addresses().size());
    Multiaddr bound = listener.addresses().get(0);
    assertTrue(transport.canListen(listenAddress()));
    assertTrue(transport.canDial(bound), "can dial " + bound);
    RawConnection dialed = await(transport.dial(bound, connection -> {}));
    assertEquals(bound, dialed.remoteAddress());
    dialed.channel().close().sync();
  }

  @Test
  void bytesFlowBothWays() throws Exception {
    TransportListener listener = listen(connection -> connection.channel().pipeline().addLast(new EchoHandler()));
    StreamCollector collector = StreamCollector.firstBytes(1 << 20);
    RawConnection dialed =
        await(transport.dial(listener.addresses().get(0), c -> c.channel().pipeline().addLast(collector)));
    byte[] data = new byte[1 << 20];
    new Random(1).nextBytes(data);
    dialed.channel().writeAndFlush(Unpooled.wrappedBuffer(data));
    assertArrayEquals(data, await(collector.done));
    dialed.channel().close().sync();
  }

  @Test
  void bothSidesSeeDirectionAndAddresses() throws Exception {
    CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
    TransportListener listener = listen(accepted::complete);
    RawConnection dialed = await(transport.dial(listener.addresses().get(0), c -> {}));
    RawConnection inbound = await(accepted);
    assertEquals(Direction.OUTBOUND, dialed.direction());
    assertEquals(Direction.INBOUND, inbound.direction());
    assertEquals(dialed.localAddress(), inbound.remoteAddress());
    assertEquals(dialed.remoteAddress(), inbound.localAddress());
    dialed.channel().close().sync();
  }

  @Test
  void dialingAClosedListenerFailsNamingTheAddress() throws Exception {
    TransportListener listener = listen(c -> {});
    Multiaddr address = listener.addresses().get(0);
    listener.close();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> transport.dial(address, c -> {}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    TransportException failure = assertInstanceOf(TransportException.class, e.getCause());
    assertTrue(failure.getMessage().contains(address.toString()), failure.getMessage());
  }

  @Test
  void unsupportedAddressesAreRefused() {
    Multiaddr address = unsupportedAddress();
    assertFalse(transport.canDial(address));
    assertFalse(transport.canListen(address));
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> transport.dial(address, c -> {}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(TransportException.class, e.getCause());
    e = assertThrows(ExecutionException.class, () -> transport.listen(address, c -> {}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(TransportException.class, e.getCause());
  }

  @Test
  void manyConcurrentConnections() throws Exception {
    TransportListener listener = listen(connection -> connection.channel().pipeline().addLast(new EchoHandler()));
    List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    List<RawConnection> connections = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      StreamCollector collector = StreamCollector.firstBytes(4);
      connections.add(
          await(transport.dial(listener.addresses().get(0), c -> c.channel().pipeline().addLast(collector))));
      connections.get(i).channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, (byte) i}));
      replies.add(collector.done);
    }
    for (int i = 0; i < 100; i++) {
      assertArrayEquals(new byte[] {1, 2, 3, (byte) i}, await(replies.get(i)));
      connections.get(i).channel().close().sync();
    }
  }

  @Test
  void remoteCloseIsSeen() throws Exception {
    TransportListener listener = listen(connection -> connection.channel().close());
    RawConnection dialed = await(transport.dial(listener.addresses().get(0), c -> {}));
    assertTrue(dialed.channel().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void handlerFailureClosesTheConnection() throws Exception {
    CompletableFuture<RawConnection> accepted = new CompletableFuture<>();
    TransportListener listener = listen(accepted::complete);
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> transport.dial(listener.addresses().get(0), c -> {
              throw new IllegalStateException("no pipeline for you");
            }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(await(accepted).channel().closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void aDialGivenUpBeforeTheHandoverClosesItsSocketAndHandsNothingOver() throws Exception {
    List<RawConnection> accepted = new CopyOnWriteArrayList<>();
    TransportListener listener = listen(accepted::add);
    List<AtomicBoolean> handedOverAfterCancel = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      AtomicBoolean handedOver = new AtomicBoolean();
      CompletableFuture<RawConnection> dial = transport.dial(listener.addresses().get(0), c -> handedOver.set(true));
      if (dial.cancel(false)) {
        handedOverAfterCancel.add(handedOver);
      } else {
        await(dial).channel().close();
      }
    }
    assertFalse(handedOverAfterCancel.isEmpty(), "a dial cancelled at once is cancelled before it connects");
    // What the listener took in sees the dialer's socket close; the dialer hands none of them over.
    Eventually.await("every accepted connection closed", Duration.ofSeconds(TIMEOUT_SECONDS),
        () -> accepted.stream().filter(c -> c.channel().isActive()).count(), open -> open == 0);
    assertTrue(handedOverAfterCancel.stream().noneMatch(AtomicBoolean::get), "a cancelled dial hands nothing over");
    // One more dial works: the cancelled ones left the transport as it was.
    await(transport.dial(listener.addresses().get(0), c -> { })).channel().close();
  }

  @Test
  void closeClosesEverythingAndStopsThreads() throws Exception {
    TransportListener listener = listen(connection -> {});
    RawConnection dialed = await(transport.dial(listener.addresses().get(0), c -> {}));
    transport.close();
    assertFalse(dialed.channel().isOpen());
    assertEquals(List.of(), Threads.awaitEnd(threadNamePrefix(), Duration.ofSeconds(5)), "threads left after close()");
  }

  protected TransportListener listen(io.jlibp2p.core.transport.RawConnectionHandler handler) throws Exception {
    return await(transport.listen(listenAddress(), handler));
  }

  protected static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
