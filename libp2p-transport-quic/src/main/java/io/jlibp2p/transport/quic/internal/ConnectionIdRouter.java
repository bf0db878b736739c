package io.jlibp2p.transport.quic.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Shares one UDP socket between a QUIC server codec and a client codec, so that dials leave from
 * the listener's port (the NAT mapping a hole punch needs is the listener's). Netty's codecs each
 * route packets by their own connections' IDs and cannot dial from a server codec's socket; this
 * handler, first in the socket's pipeline, sends a packet whose destination connection ID is one
 * of this socket's dials to the client codec, and everything else on to the server codec (or
 * drops it, on a socket that only dials).
 *
 * <p>A dial's connection ID is 20 random bytes chosen here (a client issues no others), so a
 * remote client's first packet, whose ID it picks, is taken for a dial's with negligible odds.
 * The pipeline is {@code router, [server codec], client entry, client codec}; the entry is the
 * context the client's packets are fired from. On the socket's event loop only.
 */
final class ConnectionIdRouter extends ChannelInboundHandlerAdapter {

  /** Every connection ID of this socket's dials has this length. */
  static final int CONNECTION_ID_LENGTH = 20;

  private final boolean serving;
  private final Set<ByteBuffer> dials = new HashSet<>();
  private ChannelHandlerContext clientEntry;

  /** @param serving whether a server codec follows this handler */
  ConnectionIdRouter(boolean serving) {
    this.serving = serving;
  }

  /** Where the client codec's packets are fired from. */
  void clientEntry(ChannelHandlerContext entry) {
    this.clientEntry = entry;
  }

  void addDial(byte[] connectionId) {
    dials.add(ByteBuffer.wrap(connectionId));
  }

  void removeDial(byte[] connectionId) {
    dials.remove(ByteBuffer.wrap(connectionId));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DatagramPacket packet = (DatagramPacket) msg;
    if (isForADial(packet.content())) {
      clientEntry.fireChannelRead(packet);
    } else if (serving) {
      ctx.fireChannelRead(packet);
    } else {
      packet.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // The server codec ends the read batch without passing it on: the client codec hears it here.
    if (serving) {
      ctx.fireChannelReadComplete();
    }
    clientEntry.fireChannelReadComplete();
  }

  private boolean isForADial(ByteBuf datagram) {
    if (dials.isEmpty() || !datagram.isReadable()) {
      return false;
    }
    int start = datagram.readerIndex();
    int first = datagram.getUnsignedByte(start);
    int idStart;
    int idLength;
    if ((first & 0x80) != 0) {
      // Long header: flags, a 4-byte version, the ID's length, the ID (RFC 9000, 17.2).
      if (datagram.readableBytes() < 6) {
        return false;
      }
      idLength = datagram.getUnsignedByte(start + 5);
      idStart = start + 6;
    } else {
      // Short header: flags, then the ID, whose length only its receiver knows: ours are 20.
      idLength = CONNECTION_ID_LENGTH;
      idStart = start + 1;
    }
    if (idLength != CONNECTION_ID_LENGTH || datagram.writerIndex() - idStart < idLength) {
      return false;
    }
    byte[] id = new byte[idLength];
    datagram.getBytes(idStart, id);
    return dials.contains(ByteBuffer.wrap(id));
  }
}
