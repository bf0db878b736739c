package io.jlibp2p.crypto.aead;

import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * An AEAD cipher as a secure channel uses it: one key, then whole messages, each under a 64-bit
 * counter nonce. Kept behind this small interface so that a faster implementation than the JDK's
 * can be swapped in ({@link ChaChaPoly#newCipher()}). One instance per direction of a connection;
 * not thread-safe.
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
