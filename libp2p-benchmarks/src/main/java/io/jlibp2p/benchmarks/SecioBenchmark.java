package io.jlibp2p.benchmarks;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.secio.internal.SecioHandshakeHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SECIO between two in-memory channels: whole handshakes per second (Ed25519 identities, the
 * P-256 / AES-256 / SHA256 suite both sides prefer), and the time to move 1 MiB one way through
 * the packet encoder and decoder (AES-256-CTR plus HMAC-SHA256).
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar SecioBenchmark}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SecioBenchmark {

  private static final int MEBIBYTE = 1 << 20;

  private final PrivateKey alice = PrivateKey.generate();
  private final PrivateKey bob = PrivateKey.generate();
  private ByteBuf plaintext;
  private EmbeddedChannel sender;
  private EmbeddedChannel receiver;

  @Setup(Level.Trial)
  public void setUp() {
    plaintext = PooledByteBufAllocator.DEFAULT.directBuffer(MEBIBYTE).writerIndex(MEBIBYTE);
    EmbeddedChannel[] pair = handshakePair();
    sender = pair[0];
    receiver = pair[1];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plaintext.release();
    sender.finishAndReleaseAll();
    receiver.finishAndReleaseAll();
  }

  private EmbeddedChannel[] handshakePair() {
    EmbeddedChannel a = new EmbeddedChannel(new SecioHandshakeHandler(
        new HandshakeParameters(alice, Direction.OUTBOUND, Optional.empty()), SecioSecureChannel.DEFAULT_MAX_INBOUND_PACKET));
    EmbeddedChannel b = new EmbeddedChannel(new SecioHandshakeHandler(
        new HandshakeParameters(bob, Direction.INBOUND, Optional.empty()), SecioSecureChannel.DEFAULT_MAX_INBOUND_PACKET));
    for (int i = 0; i < 6; i++) {
      EmbeddedShuttle.move(a, b);
      EmbeddedShuttle.move(b, a);
      // 1 in 256 secrets is ambiguous and the preferred side waits before it sends.
      a.advanceTimeBy(2, TimeUnit.SECONDS);
      b.advanceTimeBy(2, TimeUnit.SECONDS);
      a.runScheduledPendingTasks();
      b.runScheduledPendingTasks();
    }
    return new EmbeddedChannel[] {a, b};
  }

  /** One whole handshake: both sides' Propose, Exchange, ECDH, stretching and nonce packets. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public boolean handshake() {
    EmbeddedChannel[] pair = handshakePair();
    boolean open = pair[0].isOpen() && pair[1].isOpen();
    pair[0].finishAndReleaseAll();
    pair[1].finishAndReleaseAll();
    return open;
  }

  /** 1 MiB through the packet encoder and decoder. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int oneMebibyte() {
    sender.writeOutbound(plaintext.retainedDuplicate());
    ByteBuf wire;
    while ((wire = sender.readOutbound()) != null) {
      receiver.writeInbound(wire);
    }
    int received = 0;
    ByteBuf out;
    while ((out = receiver.readInbound()) != null) {
      received += out.readableBytes();
      out.release();
    }
    return received;
  }
}
