package io.jlibp2p.secio.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SECIO's key stretching: the shared secret expanded with HMAC into an IV, a cipher key and a MAC
 * key for each side (spec section "Key Stretching"; go's {@code KeyStretcher}).
 *
 * @param k1 the keys of the side whose preferences won (order > 0)
 * @param k2 the other side's
 */
record StretchedKeys(Keys k1, Keys k2) {

  static final int IV_SIZE = 16;
  static final int MAC_KEY_SIZE = 20;
  private static final byte[] SEED = "key expansion".getBytes(StandardCharsets.US_ASCII);

  /** One side's keys. */
  record Keys(byte[] iv, byte[] cipherKey, byte[] macKey) {}

  /**
   * @param cipherKeySize 16 for AES-128, 32 for AES-256
   * @param hmac {@code HmacSHA256} or {@code HmacSHA512}
   */
  static StretchedKeys stretch(int cipherKeySize, String hmac, byte[] secret) {
    int half = IV_SIZE + cipherKeySize + MAC_KEY_SIZE;
    byte[] out = new byte[2 * half];
    try {
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(secret, hmac));
      byte[] a = mac.doFinal(SEED);
      int filled = 0;
      while (filled < out.length) {
        mac.update(a);
        byte[] b = mac.doFinal(SEED);
        int take = Math.min(b.length, out.length - filled);
        System.arraycopy(b, 0, out, filled, take);
        filled += take;
        a = mac.doFinal(a);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + hmac, e);
    }
    return new StretchedKeys(split(out, 0, cipherKeySize), split(out, half, cipherKeySize));
  }

  private static Keys split(byte[] out, int from, int cipherKeySize) {
    return new Keys(
        Arrays.copyOfRange(out, from, from + IV_SIZE),
        Arrays.copyOfRange(out, from + IV_SIZE, from + IV_SIZE + cipherKeySize),
        Arrays.copyOfRange(out, from + IV_SIZE + cipherKeySize, from + IV_SIZE + cipherKeySize + MAC_KEY_SIZE));
  }
}
