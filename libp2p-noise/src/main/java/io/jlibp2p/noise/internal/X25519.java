package io.jlibp2p.noise.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/** X25519 (RFC 7748) on the JDK's provider, with keys as raw 32-byte strings as Noise sends them. */
public final class X25519 {

  public static final int KEY_LENGTH = 32;

  private final PrivateKey privateKey;
  private final byte[] publicKey;

  private X25519(PrivateKey privateKey, byte[] publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** A fresh key pair. */
  public static X25519 generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
      return new X25519(pair.getPrivate(), encode(((XECPublicKey) pair.getPublic()).getU()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK 11+ has X25519", e);
    }
  }

  /** The key pair of a raw private key, for test vectors. */
  public static X25519 fromPrivate(byte[] raw) {
    try {
      KeyFactory factory = KeyFactory.getInstance("X25519");
      PrivateKey privateKey = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw.clone()));
      // The public key is the scalar times the base point u = 9.
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(privateKey);
      agreement.doPhase(publicKeyOf(encode(BigInteger.valueOf(9))), true);
      return new X25519(privateKey, agreement.generateSecret());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an X25519 private key", e);
    }
  }

  /** The raw public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The shared secret with {@code remotePublicKey}.
   *
   * @throws GeneralSecurityException if the remote key is invalid (for instance a low-order point
   *     giving an all-zero secret, which the JDK refuses)
   */
  public byte[] agree(byte[] remotePublicKey) throws GeneralSecurityException {
    KeyAgreement agreement = KeyAgreement.getInstance("X25519");
    agreement.init(privateKey);
    agreement.doPhase(publicKeyOf(remotePublicKey), true);
    return agreement.generateSecret();
  }

  private static PublicKey publicKeyOf(byte[] raw) throws GeneralSecurityException {
    if (raw.length != KEY_LENGTH) {
      throw new GeneralSecurityException("X25519 public key must be 32 bytes, got " + raw.length);
    }
    byte[] bigEndian = new byte[KEY_LENGTH];
    for (int i = 0; i < KEY_LENGTH; i++) {
      bigEndian[i] = raw[KEY_LENGTH - 1 - i];
    }
    // RFC 7748: the top bit of the last byte is ignored.
    bigEndian[0] &= 0x7f;
    return KeyFactory.getInstance("X25519")
        .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
  }

  private static byte[] encode(BigInteger u) {
    byte[] bigEndian = u.toByteArray();
    byte[] out = new byte[KEY_LENGTH];
    for (int i = 0; i < Math.min(KEY_LENGTH, bigEndian.length); i++) {
      out[i] = bigEndian[bigEndian.length - 1 - i];
    }
    return out;
  }
}
