package io.jlibp2p.benchmarks;

import io.jlibp2p.crypto.aead.AeadCipher;
import io.jlibp2p.crypto.aead.ChaChaPoly;
import io.jlibp2p.crypto.conscrypt.ConscryptChaChaPolyProvider;
import io.jlibp2p.noise.internal.CipherState;
import io.jlibp2p.noise.internal.NoiseFrameDecoder;
import io.jlibp2p.noise.internal.NoiseFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Noise transport throughput against the raw cipher bound, in one run: one operation moves 1 MiB
 * of plaintext one way, encrypted by the sender's frame encoder and decrypted by the receiver's
 * frame decoder, versus the bare ChaCha20-Poly1305 encrypting and decrypting the same bytes in
 * 65519-byte pieces with no framing or buffers around it; each with the JDK's cipher and with
 * Conscrypt's ({@code cipher} parameter).
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar NoiseThroughputBenchmark}; MiB/s
 * is 1 divided by the reported seconds per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NoiseThroughputBenchmark {

  private static final int MEBIBYTE = 1 << 20;
  private static final int PIECE = NoiseFrameEncoder.MAX_PLAINTEXT;

  /** Whose ChaCha20-Poly1305: the JDK's or Conscrypt's. */
  @Param({"jdk", "conscrypt"})
  public String cipher;

  private final byte[] key = new byte[32];
  private ByteBuf plaintext;
  private EmbeddedChannel sender;
  private EmbeddedChannel receiver;

  private AeadCipher rawEncrypt;
  private AeadCipher rawDecrypt;
  private long rawNonce;
  private ByteBuffer rawPlain;
  private ByteBuffer rawCipher;
  private ByteBuffer rawOut;

  private AeadCipher newCipher() {
    return cipher.equals("jdk") ? ChaChaPoly.jdk() : ChaChaPoly.of(new ConscryptChaChaPolyProvider().provider());
  }

  @Setup(Level.Trial)
  public void setUp() {
    plaintext = PooledByteBufAllocator.DEFAULT.directBuffer(MEBIBYTE).writerIndex(MEBIBYTE);
    CipherState send = new CipherState(newCipher());
    CipherState receive = new CipherState(newCipher());
    send.initializeKey(key);
    receive.initializeKey(key);
    sender = new EmbeddedChannel(new NoiseFrameEncoder(send));
    receiver = new EmbeddedChannel(new NoiseFrameDecoder(receive));

    rawEncrypt = newCipher();
    rawDecrypt = newCipher();
    rawEncrypt.init(key);
    rawDecrypt.init(key);
    rawPlain = ByteBuffer.allocateDirect(PIECE);
    rawCipher = ByteBuffer.allocateDirect(PIECE + AeadCipher.TAG_LENGTH);
    rawOut = ByteBuffer.allocateDirect(PIECE);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plaintext.release();
    sender.finishAndReleaseAll();
    receiver.finishAndReleaseAll();
  }

  /** 1 MiB through the Noise frame encoder and decoder. */
  @Benchmark
  public int noiseFrames() {
    sender.writeOutbound(plaintext.retainedDuplicate());
    int received = 0;
    ByteBuf wire;
    while ((wire = sender.readOutbound()) != null) {
      receiver.writeInbound(wire);
    }
    ByteBuf out;
    while ((out = receiver.readInbound()) != null) {
      received += out.readableBytes();
      out.release();
    }
    return received;
  }

  /** 1 MiB encrypted and decrypted by the bare cipher: the bound. */
  @Benchmark
  public int rawCipher() throws AEADBadTagException {
    byte[] ad = new byte[0];
    int done = 0;
    while (done < MEBIBYTE) {
      int piece = Math.min(PIECE, MEBIBYTE - done);
      rawPlain.clear().limit(piece);
      rawCipher.clear();
      rawEncrypt.encrypt(rawNonce, ad, rawPlain, rawCipher);
      rawCipher.flip();
      rawOut.clear();
      rawDecrypt.decrypt(rawNonce++, ad, rawCipher, rawOut);
      done += piece;
    }
    return done;
  }
}
