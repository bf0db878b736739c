package io.jlibp2p.benchmarks;

import io.jlibp2p.noise.internal.X25519;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * X25519 key generation and agreement: noise's {@link X25519} (BouncyCastle's RFC 7748 code)
 * against the JDK's {@code XDH} provider. Each Noise handshake generates two key pairs and runs
 * three agreements per side, so this decides which one noise uses.
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar X25519Benchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class X25519Benchmark {

  private X25519 key;
  private byte[] peer;

  private KeyPair jdkPair;
  private KeyPair jdkPeer;

  @Setup
  public void setUp() throws GeneralSecurityException {
    key = X25519.generate();
    peer = X25519.generate().publicKey();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
    jdkPair = generator.generateKeyPair();
    jdkPeer = generator.generateKeyPair();
  }

  @Benchmark
  public byte[] agreeJlibp2p() throws GeneralSecurityException {
    return key.agree(peer);
  }

  @Benchmark
  public byte[] generateJlibp2p() {
    return X25519.generate().publicKey();
  }

  @Benchmark
  public byte[] agreeJdk() throws GeneralSecurityException {
    KeyAgreement agreement = KeyAgreement.getInstance("X25519");
    agreement.init(jdkPair.getPrivate());
    agreement.doPhase(jdkPeer.getPublic(), true);
    return agreement.generateSecret();
  }

  @Benchmark
  public KeyPair generateJdk() throws GeneralSecurityException {
    return KeyPairGenerator.getInstance("X25519").generateKeyPair();
  }
}
