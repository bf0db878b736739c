package io.jlibp2p.benchmarks;

import io.jlibp2p.multiformats.UnsignedVarint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Unsigned varints on a {@code ByteBuf}, the length prefix of multistream, mplex headers and
 * identify messages: one write and one streaming read ({@code readIfComplete}) per operation.
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar VarintBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VarintBenchmark {

  /** 1, 2, 3 and 9 bytes encoded. */
  @Param({"100", "10000", "1000000", "9223372036854775807"})
  public long value;

  private final ByteBuf buffer = Unpooled.directBuffer(16);

  @Setup
  public void setUp() {
    buffer.clear();
  }

  @Benchmark
  public long writeThenRead() {
    buffer.clear();
    UnsignedVarint.write(value, buffer);
    return UnsignedVarint.readIfComplete(buffer);
  }
}
