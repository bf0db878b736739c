package io.jlibp2p.relay.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.relay.RelayStatus;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos.StopMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Circuit relay v2's messages on the wire: uvarint-length-prefixed protobufs of at most {@value
 * #MAX_MESSAGE_SIZE} bytes (go's and rust's limit), checked as they are read. A message that
 * protobuf cannot read, that lacks a field the spec says is always set ({@code type}, a peer's
 * {@code id}, a reservation's {@code expire}), or that names a peer ID that is none, is refused
 * with a {@link DecodingException} saying which.
 */
public final class RelayMessages {

  /** The largest message either side sends or accepts: 4 KiB. */
  public static final int MAX_MESSAGE_SIZE = 4096;

  private RelayMessages() {}

  /** Reads a hop message (the length prefix already taken off). */
  public static HopMessage parseHop(ByteBuf message) {
    HopMessage hop = parse(message, "hop", HopMessage.parser());
    checkTypeAndPeer("hop", hop.hasType(), hop.getType() == HopMessage.Type.UNRECOGNIZED, hop.getTypeValue(),
        hop.hasPeer(), hop.getPeer());
    if (hop.hasReservation() && !hop.getReservation().hasExpire()) {
      throw new DecodingException("a reservation without its expiry");
    }
    return hop;
  }

  /** Reads a stop message (the length prefix already taken off). */
  public static StopMessage parseStop(ByteBuf message) {
    StopMessage stop = parse(message, "stop", StopMessage.parser());
    checkTypeAndPeer("stop", stop.hasType(), stop.getType() == StopMessage.Type.UNRECOGNIZED, stop.getTypeValue(),
        stop.hasPeer(), stop.getPeer());
    return stop;
  }

  private static <T> T parse(ByteBuf message, String kind, Parser<T> parser) {
    try {
      return parser.parseFrom(ByteBufUtil.getBytes(message));
    } catch (InvalidProtocolBufferException e) {
      throw new DecodingException("malformed " + kind + " message: " + e.getMessage(), e);
    }
  }

  /** What both kinds must have: a known type, and a valid peer ID where they name a peer. */
  private static void checkTypeAndPeer(String kind, boolean hasType, boolean unknownType, int typeValue,
      boolean hasPeer, CircuitProtos.Peer peer) {
    if (!hasType) {
      throw new DecodingException("a " + kind + " message without its type");
    }
    if (unknownType) {
      throw new DecodingException("a " + kind + " message of unknown type " + typeValue);
    }
    if (hasPeer) {
      peerId(peer);
    }
  }

  /**
   * A message's bytes, to be written with a length prefix.
   *
   * @throws IllegalArgumentException if it is larger than {@value #MAX_MESSAGE_SIZE} bytes
   */
  public static byte[] encode(MessageLite message) {
    byte[] bytes = message.toByteArray();
    if (bytes.length > MAX_MESSAGE_SIZE) {
      throw new IllegalArgumentException("a relay message of " + bytes.length + " bytes is over the limit of "
          + MAX_MESSAGE_SIZE + ": fewer addresses, perhaps");
    }
    return bytes;
  }

  /**
   * Writes {@code message} with its length prefix and flushes.
   *
   * @throws IllegalArgumentException as {@link #encode} does
   */
  public static ChannelFuture send(Channel channel, MessageLite message) {
    byte[] bytes = encode(message);
    ByteBuf framed = channel.alloc().buffer(UnsignedVarint.encodedLength(bytes.length) + bytes.length);
    UnsignedVarint.write(bytes.length, framed);
    return channel.writeAndFlush(framed.writeBytes(bytes));
  }

  /** The peer a message names. */
  public static PeerId peerId(CircuitProtos.Peer peer) {
    if (!peer.hasId()) {
      throw new DecodingException("a peer without its id");
    }
    try {
      return PeerId.fromBytes(peer.getId().toByteArray());
    } catch (DecodingException e) {
      throw new DecodingException("a peer id that is none: " + e.getMessage(), e);
    }
  }

  /**
   * The addresses that parse, in order; go and rust skip the others too, since one bad address
   * does not make the rest useless.
   */
  public static List<Multiaddr> addresses(List<ByteString> encoded) {
    List<Multiaddr> addresses = new ArrayList<>(encoded.size());
    for (ByteString bytes : encoded) {
      try {
        addresses.add(Multiaddr.fromBytes(bytes.toByteArray()));
      } catch (DecodingException e) {
        // skipped, as go's and rust's readers do
      }
    }
    return addresses;
  }

  /** The limit a message carries; {@link ConnectionLimit#UNLIMITED} when it carries none. */
  public static ConnectionLimit limit(boolean present, CircuitProtos.Limit limit) {
    if (!present) {
      return ConnectionLimit.UNLIMITED;
    }
    long data = limit.getData();
    // A uint64 past 2^63 is more than any circuit will carry: as good as no limit, but say so.
    return new ConnectionLimit(Duration.ofSeconds(Integer.toUnsignedLong(limit.getDuration())),
        data < 0 ? Long.MAX_VALUE : data);
  }

  /**
   * The wire form of a limit, each field set only when it limits; for {@link
   * ConnectionLimit#UNLIMITED} the message leaves the field out, as go does.
   */
  public static CircuitProtos.Limit limit(ConnectionLimit limit) {
    CircuitProtos.Limit.Builder builder = CircuitProtos.Limit.newBuilder();
    if (limit.limitsDuration()) {
      builder.setDuration((int) limit.duration().getSeconds());
    }
    if (limit.limitsData()) {
      builder.setData(limit.data());
    }
    return builder.build();
  }

  /** The status a message carries. */
  public static RelayStatus status(boolean present, int code) {
    if (!present) {
      throw new DecodingException("a STATUS message without its status");
    }
    return RelayStatus.of(code).orElseThrow(() -> new DecodingException("an unknown relay status " + code));
  }

  /** The wire form of a status. */
  public static CircuitProtos.Status status(RelayStatus status) {
    return CircuitProtos.Status.forNumber(status.code());
  }
}
