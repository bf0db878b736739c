package io.jlibp2p.noise.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 from the JDK's provider (JDK 11+; intrinsified from JDK 21). The Noise nonce
 * is 4 zero bytes followed by the 64-bit counter, little-endian (Noise spec, section 12.3).
 */
public final class JdkChaChaPoly implements AeadCipher {

  private static final String ALGORITHM = "ChaCha20-Poly1305";

  private final Cipher cipher;
  private final byte[] nonceBytes = new byte[12];
  private SecretKeySpec key;

  public JdkChaChaPoly() {
    try {
      cipher = Cipher.getInstance(ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
  }

  @Override
  public void init(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
  }

  @Override
  public void encrypt(long nonce, byte[] ad, ByteBuffer plaintext, ByteBuffer ciphertext) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, iv(nonce));
      cipher.updateAAD(ad);
      cipher.doFinal(plaintext, ciphertext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " encryption failed", e);
    }
  }

  @Override
  public void decrypt(long nonce, byte[] ad, ByteBuffer ciphertext, ByteBuffer plaintext) throws AEADBadTagException {
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, iv(nonce));
      cipher.updateAAD(ad);
      cipher.doFinal(ciphertext, plaintext);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " decryption failed", e);
    }
  }

  private IvParameterSpec iv(long nonce) {
    for (int i = 0; i < 8; i++) {
      nonceBytes[4 + i] = (byte) (nonce >>> (8 * i));
    }
    return new IvParameterSpec(nonceBytes);
  }
}
