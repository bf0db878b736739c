package io.jlibp2p.noise.internal;

import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * The AEAD behind a Noise cipher state, kept behind this small interface so that a faster provider
 * than the JDK's can be swapped in. One instance per direction; not thread-safe.
 */
public interface AeadCipher {

  /** The authentication tag length. */
  int TAG_LENGTH = 16;

  /** Sets the 32-byte key. */
  void init(byte[] key);

  /**
   * Encrypts {@code plaintext} into {@code ciphertext} (which must have room for the plaintext plus
   * {@link #TAG_LENGTH}), with the 64-bit {@code nonce} and associated data {@code ad}.
   */
  void encrypt(long nonce, byte[] ad, ByteBuffer plaintext, ByteBuffer ciphertext);

  /**
   * Decrypts and authenticates.
   *
   * @throws AEADBadTagException if the ciphertext, nonce or associated data was tampered with
   */
  void decrypt(long nonce, byte[] ad, ByteBuffer ciphertext, ByteBuffer plaintext) throws AEADBadTagException;
}
