package io.jlibp2p.core.conformance;

import io.jlibp2p.testing.ByteBufs;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Records what reaches the end of a pipeline on an {@code EmbeddedChannel}: the bytes of each
 * message, which it releases, and each exception. Sharable, so that one recorder can end the
 * pipelines of several streams. For tests; part of libp2p-core's test-jar.
 */
@ChannelHandler.Sharable
public final class InboundRecorder extends ChannelInboundHandlerAdapter {

  /** The bytes of each message read, in order. */
  public final List<byte[]> messages = new ArrayList<>();

  /** Each exception that reached the end of the pipeline, in order. */
  public final List<Throwable> errors = new ArrayList<>();

  /** The messages read so far, each as hex. */
  public List<String> hex() {
    return messages.stream().map(HexFormat.of()::formatHex).toList();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    messages.add(ByteBufs.take(msg));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    errors.add(cause);
  }
}
