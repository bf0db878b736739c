package io.jlibp2p.fuzz;

import static io.jlibp2p.fuzz.InboundPipelineFuzzTest.ECHO_PROTOCOL;
import static io.jlibp2p.fuzz.InboundPipelineFuzzTest.MAX_CHUNK;
import static io.jlibp2p.fuzz.InboundPipelineFuzzTest.REMOTE;
import static io.jlibp2p.fuzz.InboundPipelineFuzzTest.concat;
import static io.jlibp2p.fuzz.InboundPipelineFuzzTest.multistream;
import static io.jlibp2p.fuzz.InboundPipelineFuzzTest.plaintextExchange;

import io.jlibp2p.fuzz.InboundPipelineFuzzTest.Start;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.multistream.Multistream;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.tls.TlsSecureChannel;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Writes the seeds of {@link InboundPipelineFuzzTest#inboundPipeline} in the input layout its
 * Javadoc describes, after that layout or the seeds change: run {@link #main} on the module's test
 * classpath (an IDE's, or from a throwaway test, whose working directory is the module) with the
 * module's directory as its argument. It rewrites the seeds it names and leaves other inputs, past
 * findings among them, alone. Frames are spelled out here, from the specs, rather than taken from
 * the modules under test.
 */
final class InboundPipelineSeeds {

  private static final String HEADER = Multistream.PROTOCOL_ID;

  // yamux (spec "Framing"): version 0, type, flags, stream ID, length, all big-endian.
  private static final int DATA = 0;
  private static final int WINDOW_UPDATE = 1;
  private static final int PING = 2;
  private static final int GO_AWAY = 3;
  private static final int SYN = 1;
  private static final int FIN = 4;
  private static final int RST = 8;

  // mplex (spec "Flag values"): the remote opened the streams, so it sends the initiator flags.
  private static final int NEW_STREAM = 0;
  private static final int MESSAGE_INITIATOR = 2;
  private static final int CLOSE_INITIATOR = 4;
  private static final int RESET_INITIATOR = 6;

  /** RFC 7748 section 6.1, Alice's public key: a valid X25519 point for noise's first message. */
  private static final byte[] X25519_PUBLIC = HexFormat.of().parseHex(
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");

  private InboundPipelineSeeds() {}

  public static void main(String[] args) throws IOException {
    Path module = Path.of(args.length > 0 ? args[0] : ".");
    Path dir = module.resolve(
        "src/test/resources/io/jlibp2p/fuzz/InboundPipelineFuzzTestInputs/inboundPipeline");
    Files.createDirectories(dir);
    Random random = new Random(18);

    // ---- raw: multistream-select for the secure channel, and the handshakes' first messages
    byte[] noiseMsg1 = concat(multistream(HEADER, NoiseSecureChannel.PROTOCOL_ID), noiseFrame(X25519_PUBLIC));
    write(dir, "raw-noise-msg1", Start.RAW, noiseMsg1);
    write(dir, "raw-noise-msg1-in-5-byte-reads", Start.RAW, split(noiseMsg1, 5));
    write(dir, "raw-noise-msg1-then-forged-msg3", Start.RAW, concat(noiseMsg1, noiseFrame(bytes(random, 96))));
    byte[] secio = multistream(HEADER, SecioSecureChannel.PROTOCOL_ID);
    write(dir, "raw-secio-propose", Start.RAW,
        concat(secio, secioFrame(propose(bytes(random, 16), "P-256,P-384,P-521", "AES-256,AES-128", "SHA256,SHA512"))));
    write(dir, "raw-secio-propose-no-common-cipher", Start.RAW,
        concat(secio, secioFrame(propose(bytes(random, 16), "P-256", "Blowfish", "SHA256"))));
    byte[] plaintextUpgrade = concat(
        multistream(HEADER, PlaintextSecureChannel.PROTOCOL_ID), plaintextExchange(REMOTE),
        multistream(HEADER, YamuxStreamMuxer.PROTOCOL_ID), yamuxEchoStream(1, "hello"));
    write(dir, "raw-plaintext-upgrade-and-yamux-stream", Start.RAW, split(plaintextUpgrade, 7));
    write(dir, "raw-ls-then-na-then-noise", Start.RAW,
        concat(multistream(HEADER, Multistream.LS, "/tls/1.0.0", NoiseSecureChannel.PROTOCOL_ID), noiseFrame(X25519_PUBLIC)));
    write(dir, "raw-wrong-header", Start.RAW, multistream("/multistream/2.0.0", NoiseSecureChannel.PROTOCOL_ID));
    write(dir, "raw-oversized-message", Start.RAW, concat(multistream(HEADER), new byte[] {(byte) 0x81, (byte) 0x80, 0x01}));
    write(dir, "raw-garbage", Start.RAW, bytes(random, 64));
    write(dir, "raw-nothing", Start.RAW);

    // ---- secured: multistream-select for the muxer
    write(dir, "secured-yamux-and-stream", Start.SECURED,
        concat(multistream(HEADER, YamuxStreamMuxer.PROTOCOL_ID), yamuxEchoStream(1, "hello")));
    write(dir, "secured-na-then-mplex-and-stream", Start.SECURED,
        concat(multistream(HEADER, "/unknown/1.0.0", MplexStreamMuxer.PROTOCOL_ID), mplexEchoStream(0, "hello")));
    write(dir, "secured-ls", Start.SECURED, multistream(HEADER, Multistream.LS));
    write(dir, "secured-garbage", Start.SECURED, bytes(random, 64));

    // ---- yamux frames; the remote dialed, so its streams have odd IDs
    write(dir, "yamux-stream-echo-fin", Start.YAMUX, yamuxEchoStream(1, "hello"));
    write(dir, "yamux-stream-echo-fin-in-3-byte-reads", Start.YAMUX, split(yamuxEchoStream(1, "hello"), 3));
    write(dir, "yamux-stream-opened-by-data-syn", Start.YAMUX,
        yamux(DATA, SYN, 1, echoNegotiation("hi")), yamux(DATA, FIN, 1, new byte[0]));
    write(dir, "yamux-two-streams-one-reset", Start.YAMUX,
        yamux(WINDOW_UPDATE, SYN, 1, 0), yamux(WINDOW_UPDATE, SYN, 3, 0),
        yamux(DATA, 0, 1, echoNegotiation("one")), yamux(DATA, 0, 3, echoNegotiation("three")),
        yamux(WINDOW_UPDATE, RST, 3, 0), yamux(DATA, FIN, 1, new byte[0]));
    write(dir, "yamux-window-update-then-large-echo", Start.YAMUX,
        yamux(WINDOW_UPDATE, SYN, 1, 0), yamux(WINDOW_UPDATE, 0, 1, 1 << 20),
        yamux(DATA, 0, 1, echoNegotiation("x".repeat(3000))), yamux(DATA, FIN, 1, new byte[0]));
    write(dir, "yamux-stream-na-ls-then-echo", Start.YAMUX,
        yamux(WINDOW_UPDATE, SYN, 1, 0),
        yamux(DATA, 0, 1, concat(multistream(HEADER, "/nope/1.0.0", Multistream.LS, ECHO_PROTOCOL), ascii("hi"))),
        yamux(DATA, FIN, 1, new byte[0]));
    write(dir, "yamux-ping-then-go-away", Start.YAMUX, yamux(PING, SYN, 0, 42), yamux(GO_AWAY, 0, 0, 0));
    write(dir, "yamux-stream-left-open", Start.YAMUX,
        yamux(WINDOW_UPDATE, SYN, 1, 0), yamux(DATA, 0, 1, echoNegotiation("still open")));
    write(dir, "yamux-even-stream-id", Start.YAMUX, yamux(WINDOW_UPDATE, SYN, 2, 0));
    byte[] badVersion = yamux(WINDOW_UPDATE, SYN, 1, 0);
    badVersion[0] = 1;
    write(dir, "yamux-bad-version", Start.YAMUX, badVersion);

    // ---- mplex frames
    write(dir, "mplex-stream-echo-close", Start.MPLEX, mplexEchoStream(0, "hello"));
    write(dir, "mplex-stream-echo-close-in-2-byte-reads", Start.MPLEX, split(mplexEchoStream(0, "hello"), 2));
    write(dir, "mplex-two-streams-one-reset", Start.MPLEX,
        mplex(1, NEW_STREAM, ascii("1")), mplex(2, NEW_STREAM, ascii("2")),
        mplex(1, MESSAGE_INITIATOR, echoNegotiation("one")), mplex(2, MESSAGE_INITIATOR, echoNegotiation("two")),
        mplex(2, RESET_INITIATOR, new byte[0]), mplex(1, CLOSE_INITIATOR, new byte[0]));
    write(dir, "mplex-stream-left-open", Start.MPLEX,
        mplex(5, NEW_STREAM, ascii("five")), mplex(5, MESSAGE_INITIATOR, echoNegotiation("still open")));
    write(dir, "mplex-message-for-unknown-stream", Start.MPLEX, mplex(9, MESSAGE_INITIATOR, ascii("who?")));
    write(dir, "mplex-undefined-flag-7", Start.MPLEX, mplex(1, NEW_STREAM, ascii("1")), mplex(1, 7, ascii("?")));

    // ---- TLS: a real ClientHello (its random differs each time these seeds are made)
    byte[] tls = concat(multistream(HEADER, TlsSecureChannel.PROTOCOL_ID), clientHello());
    write(dir, "raw-tls-client-hello", Start.RAW, tls);
    write(dir, "raw-tls-client-hello-in-7-byte-reads", Start.RAW, split(tls, 7));
    write(dir, "raw-tls-then-garbage-record", Start.RAW,
        concat(multistream(HEADER, TlsSecureChannel.PROTOCOL_ID), new byte[] {0x16, 0x03, 0x01, 0x00, 0x20}, bytes(random, 32)));
  }

  /** The first flight of a JDK TLS 1.3 client offering yamux and then "libp2p" in ALPN. */
  private static byte[] clientHello() throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, null, null);
      SSLEngine engine = context.createSSLEngine();
      engine.setUseClientMode(true);
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {YamuxStreamMuxer.PROTOCOL_ID, "libp2p"});
      engine.setSSLParameters(parameters);
      ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
      engine.wrap(ByteBuffer.allocate(0), out);
      out.flip();
      byte[] hello = new byte[out.remaining()];
      out.get(hello);
      return hello;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** A yamux stream opened with a window update, negotiated, echoing {@code text}, then ended. */
  private static byte[] yamuxEchoStream(long id, String text) {
    return concat(yamux(WINDOW_UPDATE, SYN, id, 0), yamux(DATA, 0, id, echoNegotiation(text)), yamux(DATA, FIN, id, new byte[0]));
  }

  /** An mplex stream opened, negotiated, echoing {@code text}, then closed. */
  private static byte[] mplexEchoStream(long id, String text) {
    return concat(mplex(id, NEW_STREAM, ascii(Long.toString(id))), mplex(id, MESSAGE_INITIATOR, echoNegotiation(text)),
        mplex(id, CLOSE_INITIATOR, new byte[0]));
  }

  /** What a dialer sends on a new stream: the header, the echo protocol, then its first bytes. */
  private static byte[] echoNegotiation(String text) {
    return concat(multistream(HEADER, ECHO_PROTOCOL), ascii(text));
  }

  private static byte[] yamux(int type, int flags, long id, long length) {
    return ByteBuffer.allocate(12).put((byte) 0).put((byte) type).putShort((short) flags)
        .putInt((int) id).putInt((int) length).array();
  }

  private static byte[] yamux(int type, int flags, long id, byte[] data) {
    return concat(yamux(type, flags, id, data.length), data);
  }

  private static byte[] mplex(long id, int flag, byte[] data) {
    return concat(UnsignedVarint.encode(id << 3 | flag), UnsignedVarint.encode(data.length), data);
  }

  /** A noise handshake message: {@code be16(len) || message}. */
  private static byte[] noiseFrame(byte[] message) {
    return concat(new byte[] {(byte) (message.length >> 8), (byte) message.length}, message);
  }

  /** A secio handshake message: {@code be32(len) || message}. */
  private static byte[] secioFrame(byte[] message) {
    return concat(ByteBuffer.allocate(4).putInt(message.length).array(), message);
  }

  /** secio's Propose: {1: rand, 2: pubkey, 3: exchanges, 4: ciphers, 5: hashes}. */
  private static byte[] propose(byte[] rand, String exchanges, String ciphers, String hashes) {
    return concat(field(1, rand), field(2, REMOTE.publicKey().marshal()), field(3, ascii(exchanges)),
        field(4, ascii(ciphers)), field(5, ascii(hashes)));
  }

  private static byte[] field(int number, byte[] value) {
    return concat(new byte[] {(byte) (number << 3 | 2)}, UnsignedVarint.encode(value.length), value);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** {@code bytes} cut into reads of {@code size} bytes (the last one shorter). */
  private static byte[][] split(byte[] bytes, int size) {
    List<byte[]> reads = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += size) {
      reads.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
    }
    return reads.toArray(byte[][]::new);
  }

  /**
   * Writes one seed: the reads' bytes at the front; at the back, read from the end by the
   * provider, the start's ordinal (one byte) and each read's size (two bytes, high first).
   */
  private static void write(Path dir, String name, Start start, byte[]... reads) throws IOException {
    ByteArrayOutputStream front = new ByteArrayOutputStream();
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    back.write(start.ordinal());
    for (byte[] bytes : reads) {
      if (bytes.length < 1 || bytes.length > MAX_CHUNK) {
        throw new IllegalArgumentException(name + ": a read of " + bytes.length + " bytes");
      }
      front.writeBytes(bytes);
      back.write(bytes.length >> 8);
      back.write(bytes.length);
    }
    byte[] tail = back.toByteArray();
    for (int i = 0, j = tail.length - 1; i < j; i++, j--) {
      byte b = tail[i];
      tail[i] = tail[j];
      tail[j] = b;
    }
    Files.write(dir.resolve(name), concat(front.toByteArray(), tail));
  }
}
