package io.jlibp2p.integration;

import io.jlibp2p.core.crypto.PrivateKey;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.multiformats.Multiaddr;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.protocol.ping.Ping;
import io.jlibp2p.core.security.plaintext.PlaintextSecureChannel;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

/** Hosts and handlers the integration tests share. */
final class Hosts {

  static final String ECHO = "/echo/1.0.0";

  private Hosts() {}

  /** A host on TCP loopback with plaintext and mplex, serving echo and ping. */
  static Host plaintextMplex() {
    return plaintextMplex(PrivateKey.generate());
  }

  static Host plaintextMplex(PrivateKey identity) {
    Host host =
        Host.builder()
            .identity(identity)
            .transport(TcpTransport.builder().threads(2).build())
            .secureChannel(new PlaintextSecureChannel())
            .muxer(MplexStreamMuxer.create())
            .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
            .build();
    host.setStreamHandler(ECHO, stream -> stream.pipeline().addLast(new Echo()));
    host.setStreamHandler(Ping.PROTOCOL_ID, Ping.service());
    return host;
  }

  /** Echoes everything and half-closes when the remote does. */
  static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.flush();
        ((Stream) ctx.channel()).closeWrite();
      }
    }
  }

  /** Collects a stream's bytes until the remote half-closes. */
  static final class Collector extends ChannelInboundHandlerAdapter {
    final CompletableFuture<byte[]> done = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      byte[] chunk = new byte[buf.readableBytes()];
      buf.readBytes(chunk);
      buf.release();
      bytes.writeBytes(chunk);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        done.complete(bytes.toByteArray());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.completeExceptionally(new IllegalStateException("stream closed before EOF"));
    }
  }
}
