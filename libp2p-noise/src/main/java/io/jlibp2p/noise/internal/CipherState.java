package io.jlibp2p.noise.internal;

import io.jlibp2p.crypto.aead.AeadCipher;
import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;

/**
 * A Noise CipherState (Noise spec, section 5.1): a key and a 64-bit nonce that counts messages.
 * Without a key, "encryption" passes the plaintext through, as the spec says. The nonce
 * 2^64 - 1 is reserved, so the state refuses to go past it.
 */
public final class CipherState {

  private static final byte[] NO_AD = new byte[0];

  private final AeadCipher cipher;
  private boolean hasKey;
  private long nonce;

  public CipherState(AeadCipher cipher) {
    this.cipher = cipher;
  }

  public void initializeKey(byte[] key) {
    cipher.init(key);
    hasKey = true;
    nonce = 0;
  }

  public boolean hasKey() {
    return hasKey;
  }

  /** The overhead this state adds to a plaintext. */
  public int overhead() {
    return hasKey ? AeadCipher.TAG_LENGTH : 0;
  }

  /** Encrypts into {@code out}, which must have room for the plaintext and the tag. */
  public void encryptWithAd(byte[] ad, ByteBuffer plaintext, ByteBuffer out) {
    if (!hasKey) {
      out.put(plaintext);
      return;
    }
    cipher.encrypt(nextNonce(), ad == null ? NO_AD : ad, plaintext, out);
  }

  /** Decrypts into {@code out}. */
  public void decryptWithAd(byte[] ad, ByteBuffer ciphertext, ByteBuffer out) throws AEADBadTagException {
    if (!hasKey) {
      out.put(ciphertext);
      return;
    }
    // The nonce advances only on success: a failed message ends the session anyway.
    cipher.decrypt(peekNonce(), ad == null ? NO_AD : ad, ciphertext, out);
    nonce++;
  }

  byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
    ByteBuffer out = ByteBuffer.allocate(plaintext.length + overhead());
    encryptWithAd(ad, ByteBuffer.wrap(plaintext), out);
    return out.array();
  }

  byte[] decryptWithAd(byte[] ad, byte[] ciphertext) throws AEADBadTagException {
    if (ciphertext.length < overhead()) {
      throw new AEADBadTagException("ciphertext shorter than the tag");
    }
    ByteBuffer out = ByteBuffer.allocate(ciphertext.length - overhead());
    decryptWithAd(ad, ByteBuffer.wrap(ciphertext), out);
    return out.array();
  }

  private long nextNonce() {
    long current = peekNonce();
    nonce++;
    return current;
  }

  private long peekNonce() {
    if (nonce == -1L) {
      throw new IllegalStateException("Noise nonce exhausted: 2^64 - 1 messages in one direction");
    }
    return nonce;
  }

  /** For tests of exhaustion: moves the counter. */
  void setNonce(long nonce) {
    this.nonce = nonce;
  }
}
