package io.jlibp2p.crypto.aead;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 through the JCA: the JDK's provider (JDK 11+; with intrinsics in later
 * releases) or another provider by instance. The 96-bit nonce is 4 zero bytes followed by the 64-bit counter,
 * little-endian, as Noise has it (Noise spec, section 12.3).
 *
 * <p>The JDK's provider works on byte arrays: handed a direct buffer (as Netty's socket buffers
 * are), it copies through temporary arrays it allocates per call, a piece at a time on JDK 17. So
 * with the JDK's, a message in direct memory is copied once into a scratch array of its thread,
 * processed in place, and copied once out; a message already in arrays goes straight through.
 * Another provider gets the buffers as they are: a native one reads direct memory itself.
 */
final class JceChaChaPoly implements AeadCipher {

  private static final String ALGORITHM = ChaChaPoly.ALGORITHM;

  /** The largest message whose scratch array a thread keeps: a whole Noise frame. */
  private static final int KEPT_SCRATCH = 65535 + TAG_LENGTH;

  private final Cipher cipher;
  /** Whether direct buffers go through {@link #SCRATCH}: only for the JDK's provider. */
  private final boolean copiesDirectBuffers;
  private final byte[] nonceBytes = new byte[12];
  private SecretKeySpec key;
  /**
   * For messages in direct memory, one per thread rather than per connection (10,000 idle
   * connections must not hold 64 KiB each); grows to the largest message seen up to {@link
   * #KEPT_SCRATCH}, and a longer message gets an array of its own. Never used across calls, so
   * sharing it between the ciphers of one thread is safe.
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

  /** With the JDK's provider, or {@code provider}'s when it is not null. */
  JceChaChaPoly(Provider provider) {
    try {
      cipher = provider == null ? Cipher.getInstance(ALGORITHM) : Cipher.getInstance(ALGORITHM, provider);
      copiesDirectBuffers = provider == null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException((provider == null ? "the JDK" : provider.getName()) + " has no " + ALGORITHM, e);
    }
  }

  /** The name of the provider behind this cipher. */
  String providerName() {
    return cipher.getProvider().getName();
  }

  @Override
  public void init(byte[] key) {
    this.key = new SecretKeySpec(key, "ChaCha20");
  }

  @Override
  public void encrypt(long nonce, byte[] ad, ByteBuffer plaintext, ByteBuffer ciphertext) {
    try {
      process(Cipher.ENCRYPT_MODE, nonce, ad, plaintext, ciphertext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " encryption failed", e);
    }
  }

  @Override
  public void decrypt(long nonce, byte[] ad, ByteBuffer ciphertext, ByteBuffer plaintext) throws AEADBadTagException {
    try {
      process(Cipher.DECRYPT_MODE, nonce, ad, ciphertext, plaintext);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " decryption failed", e);
    }
  }

  /**
   * Runs one whole message through the cipher in {@code mode}: straight through when both buffers
   * are arrays, else in place in this thread's scratch array, with one copy in and one out.
   */
  private void process(int mode, long nonce, byte[] ad, ByteBuffer in, ByteBuffer out) throws GeneralSecurityException {
    cipher.init(mode, key, iv(nonce));
    cipher.updateAAD(ad);
    if ((in.hasArray() && out.hasArray()) || !copiesDirectBuffers) {
      cipher.doFinal(in, out);
      return;
    }
    int length = in.remaining();
    // Room for the tag when encrypting; when decrypting the output is shorter than the input.
    byte[] work = scratch(length + TAG_LENGTH);
    in.get(work, 0, length);
    int written = cipher.doFinal(work, 0, length, work, 0);
    out.put(work, 0, written);
  }

  private static byte[] scratch(int length) {
    if (length > KEPT_SCRATCH) {
      return new byte[length];
    }
    byte[] scratch = SCRATCH.get();
    if (scratch.length < length) {
      scratch = new byte[length];
      SCRATCH.set(scratch);
    }
    return scratch;
  }

  private IvParameterSpec iv(long nonce) {
    for (int i = 0; i < 8; i++) {
      nonceBytes[4 + i] = (byte) (nonce >>> (8 * i));
    }
    return new IvParameterSpec(nonceBytes);
  }
}
