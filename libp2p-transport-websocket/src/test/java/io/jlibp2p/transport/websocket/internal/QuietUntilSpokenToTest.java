package io.jlibp2p.transport.websocket.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The accepted side's first words wait for the client's: see {@link QuietUntilSpokenTo}. */
class QuietUntilSpokenToTest {

  /** Everything written out so far, as text. */
  private static String written(EmbeddedChannel channel) {
    return new String(ByteBufs.drain(channel::readOutbound), US_ASCII);
  }

  @Test
  void writesWaitForTheClientsFirstBytesThenGoInOrder() {
    EmbeddedChannel channel = new EmbeddedChannel(new QuietUntilSpokenTo());
    channel.write(Unpooled.copiedBuffer("header ", US_ASCII));
    channel.writeAndFlush(Unpooled.copiedBuffer("answer", US_ASCII));
    assertEquals("", written(channel), "nothing before the client speaks");

    channel.writeInbound(Unpooled.copiedBuffer("hello", US_ASCII));
    assertEquals("header answer", written(channel));
    assertNull(channel.pipeline().get(QuietUntilSpokenTo.class), "gone once released");
    assertEquals("hello", new String(ByteBufs.drain(channel::readInbound), US_ASCII), "the client's bytes go on");
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void aClientThatSaysNothingIsAnsweredAfterTheHold() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(new QuietUntilSpokenTo());
    channel.writeAndFlush(Unpooled.copiedBuffer("header", US_ASCII));
    channel.advanceTimeBy(QuietUntilSpokenTo.MAX_HOLD.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals("", written(channel));
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertEquals("header", written(channel));
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void moreThanTheBoundGoesAtOnce() {
    EmbeddedChannel channel = new EmbeddedChannel(new QuietUntilSpokenTo());
    channel.write(Unpooled.wrappedBuffer(new byte[QuietUntilSpokenTo.MAX_HELD_BYTES]));
    assertNull(channel.readOutbound());
    channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[1]));
    ByteBuf first = channel.readOutbound();
    assertEquals(QuietUntilSpokenTo.MAX_HELD_BYTES, first.readableBytes());
    first.release();
    ByteBuf second = channel.readOutbound();
    assertEquals(1, second.readableBytes());
    second.release();
    assertFalse(channel.finishAndReleaseAll());
  }

  @Test
  void aGracefulCloseDeliversWhatWasHeld() {
    EmbeddedChannel channel = new EmbeddedChannel(new QuietUntilSpokenTo());
    channel.writeAndFlush(Unpooled.copiedBuffer("last words", US_ASCII));
    channel.close();
    assertEquals("last words", written(channel));
    assertFalse(channel.isOpen());
    channel.finishAndReleaseAll();
  }

  @Test
  void whatIsHeldWhenTheChannelGoesAwayIsReleasedAndFailed() {
    EmbeddedChannel channel = new EmbeddedChannel(new QuietUntilSpokenTo());
    ByteBuf held = Unpooled.copiedBuffer("never sent", US_ASCII);
    ChannelFuture write = channel.writeAndFlush(held);
    channel.pipeline().remove(QuietUntilSpokenTo.class);
    assertTrue(write.isDone());
    assertInstanceOf(ClosedChannelException.class, write.cause());
    assertEquals(0, held.refCnt(), "released");
    channel.finishAndReleaseAll();
  }
}
