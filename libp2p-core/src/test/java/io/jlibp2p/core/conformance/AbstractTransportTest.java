package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.transport.TransportContext;
import io.jlibp2p.crypto.PrivateKey;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
 *
 * <p>Bytes travel on the raw channel of a plain transport's connection, and on a stream of the
 * connection's own muxer for a transport that upgrades its connections itself ({@link
 * RawConnection#upgrade()}, QUIC): the suite serves and opens them either way. The transport is
 * attached to a host identity of its own, as a host would attach it.
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
    transport.attach(new TransportContext(identity, ResourceLimits.unlimited()));
  }

  /** The identity the transport is attached to. */
  protected final PrivateKey identity = PrivateKey.generate();

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
    TransportListener listener = listen(AbstractTransportTest::serveEcho);
    StreamCollector collector = StreamCollector.firstBytes(1 << 20);
    RawConnection dialed = await(transport.dial(listener.addresses().get(0), c -> {}));
    byte[] data = new byte[1 << 20];
    new Random(1).nextBytes(data);
    await(bytesOf(dialed, collector)).writeAndFlush(Unpooled.wrappedBuffer(data));
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
    TransportListener listener = listen(AbstractTransportTest::serveEcho);
    List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    List<RawConnection> connections = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      StreamCollector collector = StreamCollector.firstBytes(4);
      connections.add(await(transport.dial(listener.addresses().get(0), c -> {})));
      await(bytesOf(connections.get(i), collector))
          .writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, (byte) i}));
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

  /** Echoes what the remote sends: on the raw channel, or on every stream the remote opens. */
  protected static void serveEcho(RawConnection connection) {
    if (connection.upgrade().isEmpty()) {
      connection.channel().pipeline().addLast(new EchoHandler());
      return;
    }
    StreamMuxer.Session session = connection.upgrade().get().muxer()
        .newSession(new MuxerParameters(connection.direction(), stream -> stream.pipeline().addLast(new EchoHandler())));
    connection.channel().pipeline().addLast(session.handler());
  }

  /**
   * Where bytes go on {@code connection}, with {@code handler} reading what comes back: the raw
   * channel, or a stream opened on the connection's own muxer.
   */
  protected static CompletableFuture<Channel> bytesOf(RawConnection connection, ChannelHandler handler) {
    if (connection.upgrade().isEmpty()) {
      connection.channel().pipeline().addLast(handler);
      return CompletableFuture.completedFuture(connection.channel());
    }
    StreamMuxer.Session session = connection.upgrade().get().muxer()
        .newSession(new MuxerParameters(connection.direction(), Channel::close));
    connection.channel().pipeline().addLast(session.handler());
    return session.openStream(handler).thenApply(stream -> stream);
  }

  protected TransportListener listen(io.jlibp2p.core.transport.RawConnectionHandler handler) throws Exception {
    return await(transport.listen(listenAddress(), handler));
  }

  protected static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
