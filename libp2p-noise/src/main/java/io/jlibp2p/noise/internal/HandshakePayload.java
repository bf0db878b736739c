package io.jlibp2p.noise.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jlibp2p.core.security.SecurityHandshakeException;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.noise.internal.pb.NoiseProtos;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The libp2p handshake payload that Noise messages 2 and 3 carry, a {@code NoiseHandshakePayload}
 * protobuf (<a href="https://github.com/libp2p/specs/blob/master/noise/README.md#the-libp2p-handshake-payload">noise
 * spec, "The libp2p Handshake Payload"</a>): the sender's identity key, its signature of {@code
 * "noise-libp2p-static-key:" || static Noise key}, and the extensions, of which only the stream
 * muxer list is used here.
 *
 * @param identity the identity key that signed the static key
 * @param muxers the {@code stream_muxers} extension, empty if absent
 */
public record HandshakePayload(PublicKey identity, List<String> muxers) {

  private static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);

  public HandshakePayload {
    muxers = List.copyOf(muxers);
  }

  /**
   * Encodes this side's payload: {@code identityKey} signs {@code staticKey}; {@code muxers}, if
   * not empty, goes in the extensions (connections/inlined-muxer-negotiation.md).
   */
  public static byte[] sign(PrivateKey identityKey, byte[] staticKey, List<String> muxers) {
    NoiseProtos.NoiseHandshakePayload.Builder payload =
        NoiseProtos.NoiseHandshakePayload.newBuilder()
            .setIdentityKey(ByteString.copyFrom(identityKey.publicKey().marshal()))
            .setIdentitySig(ByteString.copyFrom(identityKey.sign(signedBytes(staticKey))));
    if (!muxers.isEmpty()) {
      payload.setExtensions(NoiseProtos.NoiseExtensions.newBuilder().addAllStreamMuxers(muxers));
    }
    return payload.build().toByteArray();
  }

  /**
   * Parses the remote's payload and checks that its identity key signed {@code remoteStatic}, the
   * static key the remote used in the handshake. Unknown fields and extensions are ignored.
   *
   * @throws SecurityHandshakeException if the protobuf is malformed, lacks the key or the
   *     signature, the key is invalid, or the signature is not the key's over {@code remoteStatic}
   */
  public static HandshakePayload verify(byte[] payload, byte[] remoteStatic) {
    String protocol = NoiseHandshakeHandler.PROTOCOL_ID;
    NoiseProtos.NoiseHandshakePayload parsed;
    try {
      parsed = NoiseProtos.NoiseHandshakePayload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new SecurityHandshakeException(protocol + ": malformed handshake payload: " + e.getMessage(), e);
    }
    if (!parsed.hasIdentityKey() || !parsed.hasIdentitySig()) {
      throw new SecurityHandshakeException(protocol + ": the handshake payload lacks the identity key or signature");
    }
    PublicKey identity;
    try {
      identity = PublicKey.unmarshal(parsed.getIdentityKey().toByteArray());
    } catch (DecodingException e) {
      throw new SecurityHandshakeException(protocol + ": invalid identity key: " + e.getMessage(), e);
    }
    if (!identity.verify(signedBytes(remoteStatic), parsed.getIdentitySig().toByteArray())) {
      throw new SecurityHandshakeException(
          protocol + ": peer " + PeerId.fromPublicKey(identity) + " did not sign the Noise static key it used");
    }
    return new HandshakePayload(identity, parsed.getExtensions().getStreamMuxersList());
  }

  private static byte[] signedBytes(byte[] staticKey) {
    byte[] out = new byte[SIGNATURE_PREFIX.length + staticKey.length];
    System.arraycopy(SIGNATURE_PREFIX, 0, out, 0, SIGNATURE_PREFIX.length);
    System.arraycopy(staticKey, 0, out, SIGNATURE_PREFIX.length, staticKey.length);
    return out;
  }
}
