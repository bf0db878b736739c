package io.jlibp2p.benchmarks;

import io.jlibp2p.multistream.MultistreamDialerHandler;
import io.jlibp2p.multistream.MultistreamListenerHandler;
import io.jlibp2p.multistream.ProtocolRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full multistream-select negotiation between a dialer and a listener, each on an {@link
 * EmbeddedChannel}, with the bytes moved between them in memory: the protocol's CPU cost, without
 * the network. Includes building both handlers and channels, as the upgrader does per connection
 * and per stream.
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar MultistreamNegotiationBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MultistreamNegotiationBenchmark {

  private final ProtocolRegistry registry = ProtocolRegistry.of("/yamux/1.0.0", "/mplex/6.7.0");

  /** One proposal, accepted: the lazy path every stream takes. */
  @Benchmark
  public String lazySingleProtocol() {
    return negotiate(MultistreamDialerHandler.builder("/yamux/1.0.0").build());
  }

  /** The first proposal rejected, the second accepted: one extra round trip. */
  @Benchmark
  public String fallbackToSecondProtocol() {
    return negotiate(MultistreamDialerHandler.builder("/noise-but-missing", "/mplex/6.7.0").build());
  }

  private String negotiate(MultistreamDialerHandler dialer) {
    MultistreamListenerHandler listener = MultistreamListenerHandler.builder(registry).build();
    EmbeddedChannel dialerChannel = new EmbeddedChannel(dialer);
    EmbeddedChannel listenerChannel = new EmbeddedChannel(listener);
    while (!listener.selectedProtocol().isDone() || dialerChannel.pipeline().get(MultistreamDialerHandler.class) != null) {
      dialerChannel.runPendingTasks();
      boolean moved = EmbeddedShuttle.move(dialerChannel, listenerChannel) | EmbeddedShuttle.move(listenerChannel, dialerChannel);
      if (!moved) {
        throw new IllegalStateException("negotiation stalled");
      }
    }
    String protocol = dialer.selectedProtocol().join();
    dialerChannel.finishAndReleaseAll();
    listenerChannel.finishAndReleaseAll();
    return protocol;
  }
}
