package io.jlibp2p.benchmarks;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * mplex and yamux framing without a network: 1 MiB written to one stream of a session on one
 * {@code EmbeddedChannel}, its frames moved to the peer session on another, and read there by the
 * stream's pipeline (with yamux's window updates moved back). The muxer's own cost per byte: frame
 * encoding, decoding, frame-body handling and the stream's inbound queue. Large frame bodies are
 * slices of the read buffer, not copies, so this is per-frame work rather than per-byte work.
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar MuxerFramingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MuxerFramingBenchmark {

  private static final int MEBIBYTE = 1 << 20;
  private static final int WRITE = 64 * 1024;

  @Param({"yamux", "mplex"})
  public String muxer;

  private EmbeddedChannel dialer;
  private EmbeddedChannel listener;
  private Stream stream;
  private ByteBuf block;
  private long received;

  @Setup(Level.Trial)
  public void setUp() {
    StreamMuxer chosen = muxer.equals("yamux") ? YamuxStreamMuxer.create() : MplexStreamMuxer.create();
    dialer = new EmbeddedChannel();
    listener = new EmbeddedChannel();
    StreamMuxer.Session dialing = chosen.newSession(new MuxerParameters(Direction.OUTBOUND, s -> { }));
    dialer.pipeline().addLast(dialing.handler());
    listener.pipeline().addLast(chosen.newSession(new MuxerParameters(Direction.INBOUND, s -> s.pipeline().addLast(
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            buf.release();
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The reset when the trial's channels close.
          }
        }))).handler());
    CompletableFuture<Stream> opening = dialing.openStream(new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The reset when the trial's channels close.
      }
    });
    for (int i = 0; i < 4 && !opening.isDone(); i++) {
      dialer.runPendingTasks();
      EmbeddedShuttle.move(dialer, listener);
      EmbeddedShuttle.move(listener, dialer);
    }
    stream = opening.getNow(null);
    if (stream == null) {
      throw new IllegalStateException("the stream did not open on embedded channels");
    }
    block = PooledByteBufAllocator.DEFAULT.directBuffer(WRITE).writerIndex(WRITE);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    block.release();
    dialer.finishAndReleaseAll();
    listener.finishAndReleaseAll();
  }

  @Benchmark
  public long oneMebibyte() {
    long target = received + MEBIBYTE;
    int sent = 0;
    for (int rounds = 0; received < target; rounds++) {
      if (rounds > 100_000) {
        throw new IllegalStateException("stalled at " + (received - target + MEBIBYTE) + " bytes");
      }
      while (sent < MEBIBYTE && stream.isWritable()) {
        stream.write(block.retainedDuplicate());
        sent += WRITE;
      }
      stream.flush();
      EmbeddedShuttle.move(dialer, listener);
      EmbeddedShuttle.move(listener, dialer);
      dialer.runPendingTasks();
      listener.runPendingTasks();
    }
    return received;
  }
}
