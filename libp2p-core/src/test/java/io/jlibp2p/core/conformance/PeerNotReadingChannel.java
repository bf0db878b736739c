package io.jlibp2p.core.conformance;

import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * An {@link EmbeddedChannel} whose peer reads nothing, as a socket whose send buffer is full:
 * what is flushed stays in the outbound buffer, so the channel turns unwritable past its high water
 * mark and its pending bytes grow with every write. Closing it releases what is left. For tests of
 * what a handler queues for a peer that sends but never reads; part of libp2p-core's test-jar.
 */
public final class PeerNotReadingChannel extends EmbeddedChannel {

  /** A channel with Netty's default water marks, 32 and 64 KiB. */
  public PeerNotReadingChannel() {
    this(WriteBufferWaterMark.DEFAULT.high());
  }

  /** A channel that turns unwritable past {@code highWaterMark} bytes, writable again below half. */
  public PeerNotReadingChannel(int highWaterMark) {
    config().setWriteBufferWaterMark(new WriteBufferWaterMark(highWaterMark / 2, highWaterMark));
  }

  /** The bytes waiting to be sent, with Netty's bookkeeping of about 100 bytes per buffer. */
  public long pendingBytes() {
    return unsafe().outboundBuffer() == null ? 0 : unsafe().outboundBuffer().totalPendingWriteBytes();
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    // The socket takes nothing.
  }
}
