package io.jlibp2p.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** Moves the bytes one {@link EmbeddedChannel} wrote into another, for benchmarks that pair two. */
final class EmbeddedShuttle {

  private EmbeddedShuttle() {}

  /** Writes everything {@code from} wrote into {@code to}; whether there was anything. */
  static boolean move(EmbeddedChannel from, EmbeddedChannel to) {
    boolean moved = false;
    ByteBuf buf;
    while ((buf = from.readOutbound()) != null) {
      to.writeInbound(buf);
      moved = true;
    }
    return moved;
  }
}
