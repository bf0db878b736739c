package io.jlibp2p.multistream;

import static io.jlibp2p.multistream.Wire.drainOutbound;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlibp2p.testing.ByteBufs;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;

/**
 * A dialer or listener under test on an {@link EmbeddedChannel}, fed hand-built bytes; the
 * channel, and whatever is left in it, is released after each test.
 */
abstract class AbstractNegotiationHandlerTest {

  protected EmbeddedChannel channel;

  @AfterEach
  void releaseEverything() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * Puts {@code handler} on a new channel and reads what it sends at once: the header, and a
   * dialer's first proposal with it.
   */
  protected <H extends ChannelHandler> H started(H handler) {
    channel = new EmbeddedChannel(handler);
    drainOutbound(channel);
    return handler;
  }

  /** A channel whose clock only moves when the test says, so timeouts are exact. */
  protected static EmbeddedChannel frozenChannel(ChannelHandler handler) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(handler);
    return channel;
  }

  /**
   * A channel whose peer reads nothing, as a socket whose send buffer is full: what is flushed
   * stays in the outbound buffer, so the channel turns unwritable past {@code highWaterMark}
   * bytes. Closing it releases what is left.
   */
  protected static EmbeddedChannel peerNotReading(int highWaterMark) {
    EmbeddedChannel channel = new EmbeddedChannel() {
      @Override
      protected void doWrite(ChannelOutboundBuffer in) {
        // The socket takes nothing.
      }
    };
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(highWaterMark / 2, highWaterMark));
    return channel;
  }

  /** The failure that a handler's {@code selectedProtocol()} completed with. */
  protected static NegotiationException failure(CompletableFuture<String> selectedProtocol) {
    CompletionException e = assertThrows(CompletionException.class, selectedProtocol::join);
    return assertInstanceOf(NegotiationException.class, e.getCause());
  }

  /** An application handler that adds the bytes of each message it reads to {@code received}. */
  protected static ChannelInboundHandlerAdapter collector(List<byte[]> received) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        received.add(ByteBufs.take(msg));
      }
    };
  }
}
