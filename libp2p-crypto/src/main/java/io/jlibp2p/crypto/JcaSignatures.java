package io.jlibp2p.crypto;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;

/** Signing and verification with the JDK's providers, for the key types the JDK does well. */
final class JcaSignatures {

  private JcaSignatures() {}

  static byte[] sign(String algorithm, java.security.PrivateKey key, byte[] data) {
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK failed to sign with " + algorithm, e);
    }
  }

  /** Returns false, never throws, for a signature that is malformed as well as wrong. */
  static boolean verify(
      String algorithm, java.security.PublicKey key, byte[] data, byte[] signatureBytes) {
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initVerify(key);
      signature.update(data);
      return signature.verify(signatureBytes);
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK failed to verify with " + algorithm, e);
    }
  }
}
