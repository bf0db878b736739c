package io.jlibp2p.core.identify.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.identify.IdentifyException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.identify.internal.pb.IdentifyProtos;
import io.jlibp2p.crypto.InvalidKeyFormatException;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.crypto.record.InvalidRecordException;
import io.jlibp2p.crypto.record.PeerRecord;
import io.jlibp2p.crypto.record.SignedPeerRecord;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts between {@link IdentifyInfo} and identify protobuf messages.
 *
 * <p>Encoding splits the message so that none exceeds a size limit: protobuf messages merge by
 * concatenation (repeated fields append, others are replaced), so each field entry is encoded on
 * its own and the entries are packed greedily, in field order with the signed record last as
 * go-libp2p sends it. A message that fits is sent whole, as one message.
 *
 * <p>Decoding takes the merged bytes of every message. Listen addresses that do not parse are
 * skipped, as go does, and so is a signed record that does not verify: the peer's plain listen
 * addresses are used instead. A public key that does not parse fails the whole message.
 */
public final class IdentifyCodec {

  private static final Logger log = LoggerFactory.getLogger(IdentifyCodec.class);

  private IdentifyCodec() {}

  /** Encodes {@code info} as one or more messages of at most {@code maxMessageSize} bytes each. */
  public static List<byte[]> encode(IdentifyInfo info, int maxMessageSize) {
    List<IdentifyProtos.Identify> entries = new ArrayList<>();
    info.protocolVersion().ifPresent(v -> entries.add(entry().setProtocolVersion(v).build()));
    info.agentVersion().ifPresent(v -> entries.add(entry().setAgentVersion(v).build()));
    info.publicKey().ifPresent(k -> entries.add(entry().setPublicKey(ByteString.copyFrom(k.marshal())).build()));
    info.listenAddresses().forEach(a -> entries.add(entry().addListenAddrs(ByteString.copyFrom(a.toBytes())).build()));
    info.observedAddress().ifPresent(a -> entries.add(entry().setObservedAddr(ByteString.copyFrom(a.toBytes())).build()));
    info.protocols().forEach(p -> entries.add(entry().addProtocols(p).build()));
    info.signedPeerRecord().ifPresent(r ->
        entries.add(entry().setSignedPeerRecord(ByteString.copyFrom(r.envelope().marshal())).build()));

    List<byte[]> messages = new ArrayList<>();
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    for (IdentifyProtos.Identify entry : entries) {
      byte[] bytes = entry.toByteArray();
      if (current.size() > 0 && current.size() + bytes.length > maxMessageSize) {
        messages.add(current.toByteArray());
        current.reset();
      }
      // An entry larger than the limit on its own is sent alone: it cannot be split.
      current.writeBytes(bytes);
    }
    if (current.size() > 0 || messages.isEmpty()) {
      messages.add(current.toByteArray());
    }
    return messages;
  }

  private static IdentifyProtos.Identify.Builder entry() {
    return IdentifyProtos.Identify.newBuilder();
  }

  /**
   * Decodes the concatenation of identify messages.
   *
   * @throws IdentifyException if it is not a protobuf, or its public key is malformed
   */
  public static IdentifyInfo decode(byte[] merged) {
    IdentifyProtos.Identify message;
    try {
      message = IdentifyProtos.Identify.parseFrom(merged);
    } catch (InvalidProtocolBufferException e) {
      throw new IdentifyException("identify message is not a valid protobuf: " + e.getMessage(), e);
    }
    Optional<PublicKey> key = Optional.empty();
    if (message.hasPublicKey()) {
      try {
        key = Optional.of(PublicKey.unmarshal(message.getPublicKey().toByteArray()));
      } catch (InvalidKeyFormatException e) {
        throw new IdentifyException("identify message holds an invalid public key: " + e.getMessage(), e);
      }
    }
    List<Multiaddr> listen = new ArrayList<>();
    for (ByteString bytes : message.getListenAddrsList()) {
      parseAddress(bytes, "listen").ifPresent(listen::add);
    }
    Optional<Multiaddr> observed = message.hasObservedAddr() ? parseAddress(message.getObservedAddr(), "observed") : Optional.empty();
    Optional<SignedPeerRecord> record = Optional.empty();
    if (message.hasSignedPeerRecord()) {
      try {
        record = Optional.of(PeerRecord.open(message.getSignedPeerRecord().toByteArray()));
      } catch (InvalidRecordException e) {
        log.debug("ignoring the signed peer record in an identify message: {}", e.getMessage());
      }
    }
    return new IdentifyInfo(
        message.hasProtocolVersion() ? Optional.of(message.getProtocolVersion()) : Optional.empty(),
        message.hasAgentVersion() ? Optional.of(message.getAgentVersion()) : Optional.empty(),
        key,
        listen,
        observed,
        message.getProtocolsList(),
        record);
  }

  private static Optional<Multiaddr> parseAddress(ByteString bytes, String which) {
    try {
      return Optional.of(Multiaddr.fromBytes(bytes.toByteArray()));
    } catch (DecodingException e) {
      log.debug("skipping an invalid {} address in an identify message: {}", which, e.getMessage());
      return Optional.empty();
    }
  }
}
