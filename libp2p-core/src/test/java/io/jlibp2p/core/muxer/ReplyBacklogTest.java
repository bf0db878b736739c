package io.jlibp2p.core.muxer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.conformance.PeerNotReadingChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplyBacklogTest {

  private final PeerNotReadingChannel channel = new PeerNotReadingChannel(1024);
  private final ChannelHandlerContext ctx;
  /** What reached the handler after the muxer's as events: where a host's last handler sits. */
  private final List<Object> passedOn = new ArrayList<>();

  ReplyBacklogTest() {
    channel.pipeline().addLast("muxer", new ChannelInboundHandlerAdapter());
    channel.pipeline().addLast("host", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        passedOn.add(event);
      }
    });
    ctx = channel.pipeline().context("muxer");
  }

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  /** Queues {@code bytes} that the peer does not read. */
  private void queue(int bytes) {
    channel.writeAndFlush(Unpooled.buffer(bytes).writeZero(bytes));
  }

  @Test
  void admitsWhileTheConnectionIsWritable() {
    ReplyBacklog replies = new ReplyBacklog("test", 0);
    queue(100);
    assertTrue(channel.isWritable());
    assertTrue(replies.admit(ctx));
  }

  @Test
  void admitsUpToTheBoundBeyondTheHighWaterMark() {
    ReplyBacklog replies = new ReplyBacklog("test", 4096);
    queue(1024 + 4096 - 200); // with Netty's 96 bytes of bookkeeping, just under the bound
    assertFalse(channel.isWritable());
    assertTrue(replies.admit(ctx), channel.pendingBytes() + " bytes pending");
    assertTrue(channel.isOpen());
  }

  @Test
  void closesTheConnectionPastTheBound() {
    ReplyBacklog replies = new ReplyBacklog("test", 4096);
    queue(1024 + 4096);
    assertFalse(replies.admit(ctx), channel.pendingBytes() + " bytes pending");
    assertFalse(channel.isOpen());
    assertEquals(1, passedOn.size(), "the limit is passed down the pipeline, for the host to report");
    assertInstanceOf(LimitExceededException.class, passedOn.get(0));
    assertFalse(replies.admit(ctx), "nothing is admitted on a closed connection");
    assertEquals(1, passedOn.size(), "a closed connection is quietly refused");
  }

  @Test
  void boundMustNotBeNegative() {
    assertThrows(IllegalArgumentException.class, () -> new ReplyBacklog("test", -1));
  }
}
