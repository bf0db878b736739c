package io.jlibp2p.relay.internal;

import static io.jlibp2p.testing.DecodingAssertions.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.relay.RelayStatus;
import io.jlibp2p.relay.internal.pb.CircuitProtos.HopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos.StopMessage;
import io.jlibp2p.relay.internal.pb.CircuitProtos;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Circuit relay v2's messages against the spec's protobufs, byte for byte where it matters. */
class RelayMessagesTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate(KeyType.ED25519).publicKey());

  @Test
  void aReserveRequestWritesItsZeroType() {
    // RESERVE is 0, which plain proto3 would leave out; the spec says to always set the type.
    byte[] reserve = RelayMessages.encode(HopMessage.newBuilder().setType(HopMessage.Type.RESERVE).build());
    assertEquals("0800", HEX.formatHex(reserve));
    byte[] connect = RelayMessages.encode(StopMessage.newBuilder().setType(StopMessage.Type.CONNECT).build());
    assertEquals("0800", HEX.formatHex(connect));
  }

  @Test
  void aStatusOkWithAReservationAndLimitIsReadBack() {
    Multiaddr relayAddress = Multiaddr.fromString("/ip4/198.51.100.1/tcp/4001/p2p/" + PEER);
    HopMessage ok = HopMessage.newBuilder()
        .setType(HopMessage.Type.STATUS)
        .setStatus(RelayMessages.status(RelayStatus.OK))
        .setReservation(CircuitProtos.Reservation.newBuilder()
            .setExpire(1_800_000_000L)
            .addAddrs(ByteString.copyFrom(relayAddress.toBytes()))
            .addAddrs(ByteString.copyFromUtf8("not a multiaddr")))
        .setLimit(RelayMessages.limit(new ConnectionLimit(Duration.ofMinutes(2), 128 * 1024)))
        .build();
    HopMessage read = RelayMessages.parseHop(Unpooled.wrappedBuffer(RelayMessages.encode(ok)));
    assertEquals(RelayStatus.OK, RelayMessages.status(read.hasStatus(), read.getStatusValue()));
    assertEquals(1_800_000_000L, read.getReservation().getExpire());
    assertEquals(List.of(relayAddress), RelayMessages.addresses(read.getReservation().getAddrsList()),
        "the address that is none is skipped");
    assertEquals(new ConnectionLimit(Duration.ofMinutes(2), 128 * 1024), RelayMessages.limit(read.hasLimit(), read.getLimit()));
  }

  @Test
  void noLimitOnTheWireIsNoLimitAndZeroMeansNone() {
    assertEquals(ConnectionLimit.UNLIMITED, RelayMessages.limit(false, CircuitProtos.Limit.getDefaultInstance()));
    ConnectionLimit dataOnly = RelayMessages.limit(true, CircuitProtos.Limit.newBuilder().setData(10).build());
    assertFalse(dataOnly.limitsDuration());
    assertEquals(10, dataOnly.data());
    assertEquals("", HEX.formatHex(RelayMessages.limit(ConnectionLimit.UNLIMITED).toByteArray()));
  }

  @Test
  void aConnectNamesItsPeer() {
    StopMessage connect = StopMessage.newBuilder()
        .setType(StopMessage.Type.CONNECT)
        .setPeer(CircuitProtos.Peer.newBuilder().setId(ByteString.copyFrom(PEER.toBytes())))
        .build();
    StopMessage read = RelayMessages.parseStop(Unpooled.wrappedBuffer(RelayMessages.encode(connect)));
    assertEquals(PEER, RelayMessages.peerId(read.getPeer()));
  }

  @Test
  void malformedMessagesAreRefusedSayingWhy() {
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.parseHop(Unpooled.wrappedBuffer(
        HEX.parseHex("0a")))).getMessage().contains("malformed hop message"));
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.parseHop(Unpooled.wrappedBuffer(
        new byte[0]))).getMessage().contains("without its type"));
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.parseHop(Unpooled.wrappedBuffer(
        HEX.parseHex("0807")))).getMessage().contains("unknown type 7"));
    // CONNECT with a peer whose id is three bytes of nothing.
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.parseStop(Unpooled.wrappedBuffer(
        HEX.parseHex("08001205" + "0a03010203")))).getMessage().contains("peer id that is none"));
    // A peer without an id.
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.parseHop(Unpooled.wrappedBuffer(
        HEX.parseHex("08011200")))).getMessage().contains("without its id"));
    // A reservation without its expiry.
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.parseHop(Unpooled.wrappedBuffer(
        HEX.parseHex("08021a00")))).getMessage().contains("without its expiry"));
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.status(true, 999))
        .getMessage().contains("unknown relay status 999"));
    assertTrue(assertRejects(DecodingException.class, () -> RelayMessages.status(false, 0))
        .getMessage().contains("without its status"));
  }

  @Test
  void aMessageOverFourKibibytesIsNotWritten() {
    CircuitProtos.Reservation.Builder reservation = CircuitProtos.Reservation.newBuilder().setExpire(1);
    for (int i = 0; i < 100; i++) {
      reservation.addAddrs(ByteString.copyFrom(new byte[50]));
    }
    HopMessage big = HopMessage.newBuilder().setType(HopMessage.Type.STATUS).setReservation(reservation).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RelayMessages.encode(big));
    assertTrue(e.getMessage().contains("over the limit of 4096"), e.getMessage());
  }

  @Test
  void statusCodesAreTheSpecs() {
    assertEquals(100, RelayMessages.status(RelayStatus.OK).getNumber());
    assertEquals(204, RelayMessages.status(RelayStatus.NO_RESERVATION).getNumber());
    assertEquals(401, RelayMessages.status(RelayStatus.UNEXPECTED_MESSAGE).getNumber());
    for (RelayStatus status : RelayStatus.values()) {
      assertEquals(status, RelayStatus.of(status.code()).orElseThrow());
      assertEquals(status.name(), CircuitProtos.Status.forNumber(status.code()).name());
    }
    assertTrue(RelayStatus.of(0).isEmpty(), "UNUSED is no status");
    assertArrayEquals(new byte[] {0x03, 0x02}, io.jlibp2p.relay.ReservationVoucher.payloadType());
  }
}
