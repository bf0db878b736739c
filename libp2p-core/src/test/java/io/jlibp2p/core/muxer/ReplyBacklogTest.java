package io.jlibp2p.core.muxer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.conformance.PeerNotReadingChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplyBacklogTest {

  private final PeerNotReadingChannel channel = new PeerNotReadingChannel(1024);
  private final ChannelHandlerContext ctx;

  ReplyBacklogTest() {
    channel.pipeline().addLast("muxer", new ChannelInboundHandlerAdapter());
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
    assertFalse(replies.admit(ctx), "nothing is admitted on a closed connection");
  }

  @Test
  void boundMustNotBeNegative() {
    assertThrows(IllegalArgumentException.class, () -> new ReplyBacklog("test", -1));
  }
}
