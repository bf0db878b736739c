package io.jlibp2p.examples;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@value #PROTOCOL_ID} protocol: either side writes newline-terminated UTF-8 lines on one
 * stream, in both directions, and a line arriving is shown to the user; see {@code
 * docs/protocols.md}. The room is every open chat stream, whoever opened it.
 */
final class ChatRoom {

  static final String PROTOCOL_ID = "/chat/1.0.0";

  /** A longer line resets the stream: a chat line is not a file transfer. */
  static final int MAX_LINE_LENGTH = 64 * 1024;

  /** What the room tells its user. */
  interface Listener {
    void line(PeerId from, String line);

    default void joined(PeerId peer) {}

    default void left(PeerId peer) {}
  }

  private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);

  private final Listener listener;
  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

  ChatRoom(Listener listener) {
    this.listener = listener;
  }

  /** Serves chat streams the remote opens, and sets up the ones this side opens. */
  StreamHandler handler() {
    // A peer behind a NAT chats through its relay: lines are small, and the relay's limits bound them.
    return StreamHandler.onLimitedConnectionsToo(stream -> {
      stream.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE_LENGTH));
      stream.pipeline().addLast(new StringDecoder(StandardCharsets.UTF_8));
      stream.pipeline().addLast(new Member(stream));
      stream.config().setAutoRead(true);
    });
  }

  /** Opens a chat stream to {@code peer}, which must be connected or in the peerstore. */
  CompletableFuture<Stream> join(Host host, PeerId peer) {
    return host.newStream(peer, handler(), PROTOCOL_ID);
  }

  /** Sends {@code line} to everyone in the room; returns how many streams it went to. */
  int send(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    int sent = 0;
    for (Stream stream : streams) {
      if (stream.isActive()) {
        stream.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        sent++;
      }
    }
    return sent;
  }

  private final class Member extends SimpleChannelInboundHandler<String> {
    private final Stream stream;

    Member(Stream stream) {
      this.stream = stream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      streams.add(stream);
      listener.joined(stream.remotePeer());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
      // Lines from Windows peers end in CR LF; the decoder strips only the LF.
      listener.line(stream.remotePeer(), line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.close(); // the remote left the room
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (streams.remove(stream)) {
        listener.left(stream.remotePeer());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("chat with {} ended: {}", stream.remotePeer(), cause.getMessage());
      stream.reset();
    }
  }
}
