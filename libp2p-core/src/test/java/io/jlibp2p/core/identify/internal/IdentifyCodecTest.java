package io.jlibp2p.core.identify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.internal.pb.IdentifyProtos;
import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IdentifyCodecTest {

  private final PrivateKey key = PrivateKey.generate(KeyType.RSA);
  private final PeerId peer = PeerId.fromPublicKey(key.publicKey());

  private IdentifyInfo info(int addresses, int protocols) {
    List<Multiaddr> listen = IntStream.range(0, addresses)
        .mapToObj(i -> Multiaddr.fromString("/ip6/2001:db8::" + Integer.toHexString(i + 1) + "/tcp/" + (4000 + i)))
        .toList();
    return new IdentifyInfo(
        Optional.of(Identify.PROTOCOL_VERSION),
        Optional.of("jlibp2p/test"),
        Optional.of(key.publicKey()),
        listen,
        Optional.of(Multiaddr.fromString("/ip4/203.0.113.7/tcp/50123")),
        IntStream.range(0, protocols).mapToObj(i -> "/some/protocol/with/a/long/name/" + i + "/1.0.0").toList(),
        Optional.of(SignedPeerRecord.seal(new PeerRecord(peer, 77, listen.subList(0, Math.min(listen.size(), 60))), key)));
  }

  private static byte[] concat(List<byte[]> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    messages.forEach(out::writeBytes);
    return out.toByteArray();
  }

  @Test
  void aSmallIdentifyIsOneMessageAndRoundTrips() {
    IdentifyInfo info = info(3, 5);
    List<byte[]> messages = IdentifyCodec.encode(info, Identify.MAX_SENT_MESSAGE_SIZE);
    assertEquals(1, messages.size());
    assertEquals(info, IdentifyCodec.decode(messages.get(0)));
  }

  @Test
  void aLargeIdentifyIsSplitUnderTheLimitAndMergesBack() {
    IdentifyInfo info = info(60, 200);
    List<byte[]> messages = IdentifyCodec.encode(info, Identify.MAX_SENT_MESSAGE_SIZE);
    assertTrue(messages.size() > 1, "split into " + messages.size());
    for (byte[] message : messages) {
      assertTrue(message.length <= Identify.MAX_SENT_MESSAGE_SIZE, message.length + " bytes");
    }
    assertEquals(info, IdentifyCodec.decode(concat(messages)));
  }

  @Test
  void theSignedRecordTravelsLast() throws Exception {
    List<byte[]> messages = IdentifyCodec.encode(info(40, 100), Identify.MAX_SENT_MESSAGE_SIZE);
    IdentifyProtos.Identify last = IdentifyProtos.Identify.parseFrom(messages.get(messages.size() - 1));
    assertTrue(last.hasSignedPeerRecord());
  }

  @Test
  void absentFieldsStayAbsent() {
    IdentifyInfo empty = new IdentifyInfo(Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
        Optional.empty(), List.of(), Optional.empty());
    List<byte[]> messages = IdentifyCodec.encode(empty, Identify.MAX_SENT_MESSAGE_SIZE);
    assertEquals(1, messages.size());
    assertEquals(0, messages.get(0).length);
    assertEquals(empty, IdentifyCodec.decode(messages.get(0)));
  }

  @Test
  void invalidAddressesAreSkippedAndAnInvalidRecordIsDropped() {
    byte[] message = IdentifyProtos.Identify.newBuilder()
        .addListenAddrs(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x7f}))
        .addListenAddrs(ByteString.copyFrom(Multiaddr.fromString("/ip4/1.2.3.4/tcp/1").toBytes()))
        .setObservedAddr(ByteString.copyFrom(new byte[] {4, 1}))
        .setSignedPeerRecord(ByteString.copyFrom(new byte[] {1, 2, 3}))
        .build().toByteArray();
    IdentifyInfo info = IdentifyCodec.decode(message);
    assertEquals(List.of(Multiaddr.fromString("/ip4/1.2.3.4/tcp/1")), info.listenAddresses());
    assertEquals(Optional.empty(), info.observedAddress());
    assertEquals(Optional.empty(), info.signedPeerRecord());
  }

  @Test
  void anInvalidPublicKeyOrProtobufFailsTheMessage() {
    byte[] badKey = IdentifyProtos.Identify.newBuilder().setPublicKey(ByteString.copyFrom(new byte[] {8, 1})).build().toByteArray();
    assertThrows(IdentifyException.class, () -> IdentifyCodec.decode(badKey));
    assertThrows(IdentifyException.class, () -> IdentifyCodec.decode(new byte[] {(byte) 0x0a, 0x05, 1}));
  }
}
