package io.jlibp2p.core.conformance;

import io.jlibp2p.testing.ByteBufs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Drives a handler under test on an {@link EmbeddedChannel} with hand-built bytes, and reads back
 * the bytes it wrote. For tests; part of libp2p-core's test-jar.
 */
public final class EmbeddedChannels {

  private EmbeddedChannels() {}

  /** Writes the bytes {@code hex} spells inbound, and runs the tasks they cause. */
  public static void feedHex(EmbeddedChannel channel, String hex) {
    channel.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
    channel.runPendingTasks();
  }

  /** Everything the channel has written since the last look, as hex; the buffers are released. */
  public static String writtenHex(EmbeddedChannel channel) {
    return HexFormat.of().formatHex(ByteBufs.drain(channel::readOutbound));
  }

  /** The next buffer the channel wrote, as bytes; it is released. */
  public static byte[] readOutboundBytes(EmbeddedChannel channel) {
    return ByteBufs.take(channel.readOutbound());
  }

  /** Moves everything {@code from} has written into {@code to}'s inbound, as a wire would. */
  public static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    ByteBuf buf;
    while ((buf = from.readOutbound()) != null) {
      to.writeInbound(buf);
    }
  }

  /**
   * Records the user events that reach the end of {@code channel}'s pipeline, where a host's last
   * handler sits: a muxer's cut-off, say. Add it after the handler under test.
   */
  public static List<Object> userEventsAtTheEnd(EmbeddedChannel channel) {
    List<Object> events = new ArrayList<>();
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        events.add(event);
      }
    });
    return events;
  }
}
