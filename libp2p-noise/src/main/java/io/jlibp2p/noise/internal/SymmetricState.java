package io.jlibp2p.noise.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise SymmetricState with SHA-256 (Noise spec, sections 4.3 and 5.2): the chaining key, the
 * handshake hash, and the cipher state keyed as the handshake goes.
 */
final class SymmetricState {

  static final int HASH_LENGTH = 32;

  private final CipherState cipherState;
  private byte[] chainingKey;
  private byte[] hash;

  SymmetricState(String protocolName, CipherState cipherState) {
    this.cipherState = cipherState;
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    hash = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256(name);
    chainingKey = hash.clone();
  }

  void mixKey(byte[] inputKeyMaterial) {
    byte[][] outputs = hkdf(chainingKey, inputKeyMaterial);
    chainingKey = outputs[0];
    cipherState.initializeKey(outputs[1]);
  }

  void mixHash(byte[] data) {
    MessageDigest digest = sha256();
    digest.update(hash);
    digest.update(data);
    hash = digest.digest();
  }

  byte[] encryptAndHash(byte[] plaintext) {
    byte[] ciphertext = cipherState.encryptWithAd(hash, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  }

  byte[] decryptAndHash(byte[] ciphertext) throws AEADBadTagException {
    byte[] plaintext = cipherState.decryptWithAd(hash, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  }

  boolean hasKey() {
    return cipherState.hasKey();
  }

  byte[] handshakeHash() {
    return hash.clone();
  }

  /** The two transport keys: for initiator-to-responder, then responder-to-initiator. */
  byte[][] split() {
    return hkdf(chainingKey, new byte[0]);
  }

  /** HKDF with two outputs, as the Noise spec defines it on HMAC-SHA256. */
  private static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial) {
    byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
    byte[] output1 = hmac(tempKey, new byte[] {1});
    byte[] input2 = Arrays.copyOf(output1, HASH_LENGTH + 1);
    input2[HASH_LENGTH] = 2;
    byte[] output2 = hmac(tempKey, input2);
    return new byte[][] {output1, output2};
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
