package io.jlibp2p.noise.internal;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * X25519 (RFC 7748) with keys as raw 32-byte strings, as Noise sends them.
 *
 * <p>On BouncyCastle's RFC 7748 code rather than the JDK's {@code XDH} provider: every Noise
 * handshake makes two key pairs and runs three key agreements on each side, and on JDK 17 and 25
 * alike BouncyCastle makes a key pair five times as fast (a precomputed base point) and agrees
 * 1.5 times as fast ({@code X25519Benchmark} in libp2p-benchmarks, figures in docs/benchmarks.md),
 * which halves the key exchange's share of a handshake. The results are the same bytes: scalar
 * clamping and the masking of the public key's top bit are RFC 7748's in both, and X25519Test
 * compares the two on random keys.
 */
public final class X25519 {

  public static final int KEY_LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] privateKey;
  private final byte[] publicKey;

  private X25519(byte[] privateKey) {
    this.privateKey = privateKey;
    this.publicKey = new byte[KEY_LENGTH];
    org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateKey, 0, publicKey, 0);
  }

  /** A fresh key pair. */
  public static X25519 generate() {
    byte[] privateKey = new byte[KEY_LENGTH];
    org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(RANDOM, privateKey);
    return new X25519(privateKey);
  }

  /** The key pair of a raw private key, for test vectors and fixed test keys. */
  public static X25519 fromPrivate(byte[] raw) {
    if (raw.length != KEY_LENGTH) {
      throw new IllegalArgumentException("X25519 private key must be 32 bytes, got " + raw.length);
    }
    return new X25519(raw.clone());
  }

  /** The raw public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The shared secret with {@code remotePublicKey}.
   *
   * @throws GeneralSecurityException if the remote key is not 32 bytes, or is a low-order point,
   *     which gives the all-zero secret that RFC 7748 section 6.1 lets a party refuse and that
   *     would leave the handshake keyed by nothing secret
   */
  public byte[] agree(byte[] remotePublicKey) throws GeneralSecurityException {
    if (remotePublicKey.length != KEY_LENGTH) {
      throw new GeneralSecurityException(
          "X25519 public key must be 32 bytes, got " + remotePublicKey.length);
    }
    byte[] secret = new byte[KEY_LENGTH];
    if (!org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
        privateKey, 0, remotePublicKey, 0, secret, 0)) {
      throw new GeneralSecurityException("X25519 public key is a low-order point: the shared secret is all zero");
    }
    return secret;
  }
}
