package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance suite every {@link SecureChannel} passes, over in-VM Netty channels: subclass it
 * in the implementation's module. Published in libp2p-core's test-jar.
 */
public abstract class AbstractSecureChannelTest {

  private static final long TIMEOUT_SECONDS = 30;

  @RegisterExtension static final LocalConnections connections = new LocalConnections();

  private Channel server;
  private Channel client;

  /** The secure channel under test. */
  protected abstract SecureChannel secureChannel();

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void handshakeAuthenticatesBothSides(KeyType type) throws Exception {
    PrivateKey serverKey = PrivateKey.generate(type);
    PrivateKey clientKey = PrivateKey.generate(type);
    Sides sides = connect(serverKey, clientKey, Optional.of(peerId(serverKey)), () -> null, () -> null);
    SecureSession atClient = await(sides.client);
    SecureSession atServer = await(sides.server);
    assertEquals(secureChannel().protocolId(), atClient.protocolId());
    assertEquals(peerId(serverKey), atClient.remotePeer());
    assertEquals(serverKey.publicKey(), atClient.remotePublicKey());
    assertEquals(peerId(clientKey), atClient.localPeer());
    assertEquals(peerId(clientKey), atServer.remotePeer());
    assertEquals(clientKey.publicKey(), atServer.remotePublicKey());
  }

  @Test
  void unexpectedPeerIsRejected() throws Exception {
    PrivateKey serverKey = PrivateKey.generate();
    PeerId someoneElse = peerId(PrivateKey.generate());
    Sides sides = connect(serverKey, PrivateKey.generate(), Optional.of(someoneElse), () -> null, () -> null);
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(sides.client));
    PeerIdMismatchException mismatch = assertInstanceOf(PeerIdMismatchException.class, e.getCause());
    assertEquals(someoneElse, mismatch.expected());
    assertEquals(peerId(serverKey), mismatch.actual());
    assertTrue(client.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void megabytesFlowBothWays() throws Exception {
    int size = 4 << 20;
    StreamCollector collector = StreamCollector.firstBytes(size);
    Sides sides =
        connect(PrivateKey.generate(), PrivateKey.generate(), Optional.empty(), EchoHandler::new, () -> collector);
    await(sides.client);
    byte[] data = new byte[size];
    new Random(5).nextBytes(data);
    for (int offset = 0; offset < size; offset += 100_000) {
      client.write(Unpooled.wrappedBuffer(data, offset, Math.min(100_000, size - offset)));
    }
    client.flush();
    assertArrayEquals(data, await(collector.done));
  }

  @Test
  void bytesWrittenTheMomentTheHandshakeEndsArrive() throws Exception {
    byte[] greeting = "first words".getBytes(StandardCharsets.UTF_8);
    StreamCollector collector = StreamCollector.firstBytes(greeting.length);
    Sides sides =
        connect(
            PrivateKey.generate(),
            PrivateKey.generate(),
            Optional.empty(),
            () -> new ChannelInboundHandlerAdapter() {
              @Override
              public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting));
              }
            },
            () -> collector);
    await(sides.server);
    assertArrayEquals(greeting, await(collector.done));
  }

  @Test
  void garbageInsteadOfAHandshakeFailsCleanly() throws Exception {
    CompletableFuture<SecureSession> atServer = startServer(PrivateKey.generate(), () -> null);
    client = rawClient();
    byte[] garbage = new byte[4096];
    new Random(9).nextBytes(garbage);
    garbage[0] = (byte) 0xff; // an implausible length, whatever the framing
    garbage[1] = (byte) 0xff;
    client.writeAndFlush(Unpooled.wrappedBuffer(garbage));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(atServer));
    assertInstanceOf(SecurityHandshakeException.class, e.getCause());
    assertTrue(client.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void remoteVanishingMidHandshakeFailsCleanly() throws Exception {
    CompletableFuture<SecureSession> atServer = startServer(PrivateKey.generate(), () -> null);
    client = rawClient();
    client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x20, 0x08})).sync();
    client.close().sync();
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(atServer));
    assertInstanceOf(SecurityHandshakeException.class, e.getCause());
  }

  private record Sides(CompletableFuture<SecureSession> server, CompletableFuture<SecureSession> client) {}

  private Sides connect(
      PrivateKey serverKey,
      PrivateKey clientKey,
      Optional<PeerId> expected,
      Supplier<ChannelHandler> serverApp,
      Supplier<ChannelHandler> clientApp)
      throws InterruptedException {
    CompletableFuture<SecureSession> atServer = startServer(serverKey, serverApp);
    SecureChannel.Handshake handshake =
        secureChannel().handshake(new HandshakeParameters(clientKey, Direction.OUTBOUND, expected));
    client = connections.connect(server, secured(handshake, clientApp));
    return new Sides(atServer, handshake.session());
  }

  private CompletableFuture<SecureSession> startServer(PrivateKey key, Supplier<ChannelHandler> app)
      throws InterruptedException {
    CompletableFuture<SecureSession> session = new CompletableFuture<>();
    server =
        connections.listen(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                SecureChannel.Handshake handshake =
                    secureChannel().handshake(new HandshakeParameters(key, Direction.INBOUND, Optional.empty()));
                handshake.session().whenComplete((s, e) -> {
                  if (e != null) {
                    session.completeExceptionally(e);
                  } else {
                    session.complete(s);
                  }
                });
                ch.pipeline().addLast(secured(handshake, app));
              }
            });
    return session;
  }

  /** The handshake handler, then the application handler once the session is up. */
  private static ChannelHandler secured(SecureChannel.Handshake handshake, Supplier<ChannelHandler> app) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelHandler handler = handshake.handler();
        ch.pipeline().addLast("security", handler);
        handshake.session().thenAccept(session -> {
          ChannelHandler next = app.get();
          if (next != null) {
            ch.pipeline().addLast("app", next);
          }
        });
      }
    };
  }

  private Channel rawClient() throws InterruptedException {
    return connections.connect(server, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    });
  }

  private static PeerId peerId(PrivateKey key) {
    return PeerId.fromPublicKey(key.publicKey());
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
