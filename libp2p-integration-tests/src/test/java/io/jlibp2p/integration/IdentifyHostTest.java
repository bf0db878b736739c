package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jlibp2p.core.conformance.StreamCollector;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.ObservedAddresses.ObservedAddress;
import io.jlibp2p.core.identify.internal.pb.IdentifyProtos;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.peerstore.PeerMetadata;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.testing.Eventually;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** identify and identify push between two Java hosts (noise, yamux, TCP loopback). */
class IdentifyHostTest extends AbstractHostPairTest {

  @Override
  protected Hosts.Stack stack() {
    return Hosts.Stack.NOISE_YAMUX;
  }

  private static List<Multiaddr> withoutPeerId(List<Multiaddr> addresses) {
    return addresses.stream().map(a -> a.decapsulate(MultiaddrProtocol.P2P)).toList();
  }

  @Test
  void theDialerLearnsEveryFieldAndFillsItsPeerstore() throws Exception {
    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    IdentifyInfo info = await(connection.identify());

    assertEquals(Identify.PROTOCOL_VERSION, info.protocolVersion().orElseThrow());
    assertTrue(info.agentVersion().orElseThrow().matches("jlibp2p/\\d+\\.\\d+\\.\\d+.*"), info.agentVersion().get());
    assertEquals(server.identity().publicKey(), info.publicKey().orElseThrow());
    assertEquals(withoutPeerId(server.listenAddresses()), info.listenAddresses());
    assertEquals(connection.localAddress(), info.observedAddress().orElseThrow());
    assertTrue(info.protocols().containsAll(List.of(Hosts.ECHO, Ping.PROTOCOL_ID, Identify.PROTOCOL_ID, Identify.PUSH_PROTOCOL_ID)), info.protocols().toString());
    PeerRecord record = info.signedPeerRecord().orElseThrow().record();
    assertEquals(server.peerId(), record.peerId());
    assertEquals(withoutPeerId(server.listenAddresses()), record.addresses());

    PeerId remote = server.peerId();
    assertEquals(Set.copyOf(info.protocols()), client.peerstore().protocols(remote));
    assertEquals(info.signedPeerRecord(), client.peerstore().peerRecord(remote));
    assertEquals(withoutPeerId(server.listenAddresses()), client.peerstore().addresses(remote));
    PeerMetadata metadata = client.peerstore().metadata(remote);
    assertEquals(info.agentVersion(), metadata.agentVersion());
    assertEquals(info.protocolVersion(), metadata.protocolVersion());
    assertTrue(metadata.lastIdentified().isPresent());
  }

  @Test
  void theListenerIdentifiesTheDialerAndBothRecordWhatTheOtherObserved() throws Exception {
    Connection outbound = await(client.dial(server.listenAddresses().get(0)));
    await(outbound.identify());
    Eventually.await("the server has a connection", 10, () -> !server.connections().isEmpty());
    IdentifyInfo aboutClient = await(server.connections().get(0).identify());

    assertEquals(client.identity().publicKey(), aboutClient.publicKey().orElseThrow());
    assertEquals(withoutPeerId(client.listenAddresses()), server.peerstore().addresses(client.peerId()));
    assertEquals(outbound.remoteAddress(), aboutClient.observedAddress().orElseThrow());
    assertEquals(List.of(new ObservedAddress(outbound.localAddress(), 1)), client.observedAddresses().addresses(1));
    assertEquals(List.of(new ObservedAddress(outbound.remoteAddress(), 1)), server.observedAddresses().addresses(1));
  }

  @Test
  void newProtocolsAndRemovedOnesArePushed() throws Exception {
    await(await(client.dial(server.listenAddresses().get(0))).identify());
    server.setStreamHandler("/pushed/1.0.0", stream -> stream.close());
    Eventually.await("the client learns of /pushed/1.0.0", 10, () -> client.peerstore().supports(server.peerId(), "/pushed/1.0.0"));
    assertTrue(client.peerstore().supports(server.peerId(), Hosts.ECHO), "a push replaces the list with the whole new one");

    server.removeStreamHandler("/pushed/1.0.0");
    Eventually.await("the client learns /pushed/1.0.0 is gone", 10, () -> !client.peerstore().supports(server.peerId(), "/pushed/1.0.0"));
  }

  @Test
  void anAnswerSplitAcrossMessagesIsMerged() throws Exception {
    List<IdentifyProtos.Identify> parts = List.of(
        IdentifyProtos.Identify.newBuilder().setProtocolVersion("ipfs/0.1.0").setAgentVersion("go-libp2p/split").build(),
        IdentifyProtos.Identify.newBuilder().addProtocols("/a/1.0.0").build(),
        IdentifyProtos.Identify.newBuilder().addProtocols("/b/1.0.0")
            .setPublicKey(ByteString.copyFrom(server.identity().publicKey().marshal())).build());
    server.setStreamHandler(Identify.PROTOCOL_ID, stream -> answer(stream, parts.stream().map(p -> frame(p.toByteArray())).toList()));

    IdentifyInfo info = await(await(client.dial(server.listenAddresses().get(0))).identify());

    assertEquals(List.of("/a/1.0.0", "/b/1.0.0"), info.protocols());
    assertEquals("go-libp2p/split", info.agentVersion().orElseThrow());
    assertEquals(server.identity().publicKey(), info.publicKey().orElseThrow());
  }

  @Test
  void anOversizedMessageFailsIdentifyButNotTheConnection() throws Exception {
    byte[] huge = IdentifyProtos.Identify.newBuilder()
        .setAgentVersion("x".repeat(Identify.MAX_RECEIVED_MESSAGE_SIZE)).build().toByteArray();
    server.setStreamHandler(Identify.PROTOCOL_ID, stream -> answer(stream, List.of(frame(huge))));

    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    ExecutionException error = assertThrows(ExecutionException.class, () -> await(connection.identify()));
    assertInstanceOf(IdentifyException.class, error.getCause());
    assertTrue(error.getCause().getMessage().contains("exceeds the limit of 8192"), error.getCause().getMessage());
    assertTrue(connection.isOpen());
    // The server's own push (its handler changed) may still arrive and fill the peerstore; the
    // oversized answer must not have.
    assertFalse(client.peerstore().metadata(server.peerId()).agentVersion().filter(v -> v.startsWith("xxx")).isPresent());
  }

  @Test
  void aPublicKeyOtherThanTheConnectionsFailsIdentify() throws Exception {
    byte[] lying = IdentifyProtos.Identify.newBuilder()
        .setPublicKey(ByteString.copyFrom(PrivateKey.generate().publicKey().marshal()))
        .addProtocols("/lie/1.0.0").build().toByteArray();
    server.setStreamHandler(Identify.PROTOCOL_ID, stream -> answer(stream, List.of(frame(lying))));

    Connection connection = await(client.dial(server.listenAddresses().get(0)));
    ExecutionException error = assertThrows(ExecutionException.class, () -> await(connection.identify()));
    assertTrue(error.getCause().getMessage().contains("public key other than"), error.getCause().getMessage());
    assertFalse(client.peerstore().supports(server.peerId(), "/lie/1.0.0"));
  }

  @Test
  void aRecordSignedByAnotherPeerIsIgnoredAndThePlainAddressesUsed() throws Exception {
    PrivateKey stranger = PrivateKey.generate();
    Multiaddr claimed = Multiaddr.fromString("/ip4/10.9.9.9/tcp/4001");
    byte[] forged = new PeerRecord(PeerId.fromPublicKey(stranger.publicKey()), 1, List.of(claimed)).seal(stranger).marshal();
    byte[] message = IdentifyProtos.Identify.newBuilder()
        .addListenAddrs(ByteString.copyFrom(claimed.toBytes()))
        .setSignedPeerRecord(ByteString.copyFrom(forged)).build().toByteArray();
    server.setStreamHandler(Identify.PROTOCOL_ID, stream -> answer(stream, List.of(frame(message))));

    IdentifyInfo info = await(await(client.dial(server.listenAddresses().get(0))).identify());

    assertTrue(info.signedPeerRecord().isPresent(), "the record itself is valid");
    // The server's own push (its handler changed) may still bring its genuine record; the
    // stranger's must never be stored as the server's.
    assertFalse(client.peerstore().peerRecord(server.peerId()).filter(r -> Arrays.equals(r.envelope().marshal(), forged)).isPresent(),
        "but it is not the server's");
    assertTrue(client.peerstore().addresses(server.peerId()).contains(claimed));
  }

  @Test
  void newStreamDoesNotWaitForIdentify() throws Exception {
    server.setStreamHandler(Identify.PROTOCOL_ID, stream -> { }); // never answers
    Connection connection = await(client.dial(server.listenAddresses().get(0)));

    Stream stream = await(client.newStream(server.peerId(), Hosts.ECHO));
    StreamCollector collected = collect(stream);
    stream.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
    stream.closeWrite();
    assertEquals("hello", text(collected));
    assertFalse(connection.identify().isDone());
  }

  @Test
  void aPeerIsRedialedFromWhatIdentifyStored() throws Exception {
    Connection first = await(client.dial(server.listenAddresses().get(0)));
    await(first.identify());
    first.close();
    Eventually.await("the connection is gone", 10, () -> client.connections().isEmpty());

    IdentifyInfo again = await(client.identify(server.peerId()));
    assertEquals(server.identity().publicKey(), again.publicKey().orElseThrow());
    assertEquals(1, client.connections().size());
  }

  private static ByteBuf frame(byte[] message) {
    ByteBuf out = Unpooled.buffer();
    UnsignedVarint.write(message.length, out);
    return out.writeBytes(message);
  }

  private static void answer(Stream stream, List<ByteBuf> frames) {
    frames.forEach(stream::write);
    stream.flush();
    stream.closeWrite();
  }
}
