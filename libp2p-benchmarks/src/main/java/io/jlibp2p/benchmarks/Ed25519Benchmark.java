package io.jlibp2p.benchmarks;

import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
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
 * Ed25519 sign and verify: jlibp2p's keys (BouncyCastle's RFC 8032 code) against the JDK's EdDSA
 * provider. Every handshake signs once and verifies once, so this decides which one the keys use.
 *
 * <p>Run: {@code java -jar libp2p-benchmarks/target/benchmarks.jar Ed25519Benchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Ed25519Benchmark {

  private final byte[] message = new byte[64];

  private PrivateKey key;
  private PublicKey publicKey;
  private byte[] signature;

  private KeyPair jdkPair;
  private byte[] jdkSignature;

  @Setup
  public void setUp() throws GeneralSecurityException {
    key = PrivateKey.generate();
    publicKey = key.publicKey();
    signature = key.sign(message);

    jdkPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    jdkSignature = jdkSign();
    KeyFactory.getInstance("Ed25519"); // load the provider before measuring
  }

  @Benchmark
  public byte[] signJlibp2p() {
    return key.sign(message);
  }

  @Benchmark
  public boolean verifyJlibp2p() {
    return publicKey.verify(message, signature);
  }

  @Benchmark
  public byte[] signJdk() throws GeneralSecurityException {
    return jdkSign();
  }

  @Benchmark
  public boolean verifyJdk() throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(jdkPair.getPublic());
    verifier.update(message);
    return verifier.verify(jdkSignature);
  }

  private byte[] jdkSign() throws GeneralSecurityException {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(jdkPair.getPrivate());
    signer.update(message);
    return signer.sign();
  }
}
