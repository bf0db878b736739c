package io.jlibp2p.tls.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.conformance.InboundRecorder;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.security.tls.internal.CertifiedKey;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Two ends of a connection on {@link EmbeddedChannel}s with the bytes moved between them by hand
 * ({@link #run}), for handshake tests: each end a handler (a {@link TlsHandshake}'s, or a plain
 * {@code SslHandler} a test sets up) and then a recorder of what reaches the application. Each
 * side whose handshake succeeds writes {@link #GREETING} at once, so tests can see whether the
 * other side delivered bytes it should not.
 */
final class TlsPair implements AutoCloseable {

  static final byte[] GREETING = "hello from the application".getBytes(StandardCharsets.UTF_8);

  final EmbeddedChannel client;
  final EmbeddedChannel server;
  final InboundRecorder atClient = new InboundRecorder();
  final InboundRecorder atServer = new InboundRecorder();

  TlsPair(ChannelHandler clientHandler, ChannelHandler serverHandler) {
    client = new EmbeddedChannel(clientHandler, atClient);
    server = new EmbeddedChannel(serverHandler, atServer);
  }

  /** Handshake parameters of one side. */
  static HandshakeParameters parameters(PrivateKey key, Direction direction, Optional<PeerId> expected, List<String> muxers) {
    return new HandshakeParameters(key, direction, expected, muxers);
  }

  /** A {@link TlsHandshake} on the system clock, presenting what {@code certificates} makes. */
  static TlsHandshake handshake(HandshakeParameters parameters, CertifiedKey.Source certificates) {
    return new TlsHandshake(parameters, Clock.systemUTC(), certificates);
  }

  /** Greets the other side once {@code session} completes. */
  void greetWhenSecured(CompletableFuture<SecureSession> session, EmbeddedChannel channel) {
    session.thenRun(() -> channel.writeAndFlush(Unpooled.wrappedBuffer(GREETING)));
  }

  /** Moves bytes both ways until neither side has any to send; a closed side closes the other. */
  void run() {
    boolean moved = true;
    while (moved) {
      moved = move(client, server) | move(server, client);
      client.runPendingTasks();
      server.runPendingTasks();
    }
  }

  private static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
    boolean moved = false;
    for (Object message = from.readOutbound(); message != null; message = from.readOutbound()) {
      if (to.isOpen() && ((ByteBuf) message).isReadable()) {
        to.writeInbound(message);
        moved = true;
      } else {
        ReferenceCountUtil.release(message);
      }
    }
    if (!from.isOpen() && to.isOpen()) {
      to.close();
      moved = true;
    }
    return moved;
  }

  @Override
  public void close() {
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }
}
