package io.jlibp2p.benchmarks;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.tls.TlsSecureChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Optional;
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
 * Whole secure-channel handshakes between two in-memory channels, both sides on one thread, with
 * Ed25519 identities and yamux offered inside the handshake: noise (XX, X25519) beside TLS 1.3
 * (ECDHE, certificates checked by every libp2p rule). The CPU a new connection costs before any
 * network round trip.
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar HandshakeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBenchmark {

  private static final List<String> MUXERS = List.of("/yamux/1.0.0");

  private final PrivateKey dialer = PrivateKey.generate();
  private final PrivateKey listener = PrivateKey.generate();
  private final SecureChannel noise = new NoiseSecureChannel();
  // Shared as a host shares it: one certificate per host key, made once.
  private final SecureChannel tls = TlsSecureChannel.create();

  @Benchmark
  public boolean noise() {
    return handshake(noise);
  }

  @Benchmark
  public boolean tls() {
    return handshake(tls);
  }

  private boolean handshake(SecureChannel channel) {
    SecureChannel.Handshake out = channel.handshake(new HandshakeParameters(dialer, Direction.OUTBOUND, Optional.empty(), MUXERS));
    SecureChannel.Handshake in = channel.handshake(new HandshakeParameters(listener, Direction.INBOUND, Optional.empty(), MUXERS));
    EmbeddedChannel a = new EmbeddedChannel(out.handler());
    EmbeddedChannel b = new EmbeddedChannel(in.handler());
    try {
      boolean moved = true;
      while (moved) {
        moved = EmbeddedShuttle.move(a, b) | EmbeddedShuttle.move(b, a);
      }
      return out.session().join().muxer().isPresent() && in.session().join().muxer().isPresent();
    } finally {
      a.finishAndReleaseAll();
      b.finishAndReleaseAll();
    }
  }
}
