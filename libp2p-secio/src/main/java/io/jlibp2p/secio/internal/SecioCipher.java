package io.jlibp2p.secio.internal;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of a SECIO connection: AES-CTR whose key stream runs on across packets, and an
 * HMAC over each packet's ciphertext (encrypt-then-MAC, no sequence number). Not thread-safe: it
 * belongs to one channel's event loop.
 */
final class SecioCipher {

  private final Cipher aes;
  private final Mac mac;

  SecioCipher(StretchedKeys.Keys keys, String hmac, boolean encrypting) {
    try {
      aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(encrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE,
          new SecretKeySpec(keys.cipherKey(), "AES"), new IvParameterSpec(keys.iv()));
      mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(keys.macKey(), hmac));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks AES-CTR or " + hmac, e);
    }
  }

  int macLength() {
    return mac.getMacLength();
  }

  /** Encrypts {@code length} bytes of {@code in} and appends the ciphertext and its MAC to {@code out}. */
  void seal(ByteBuf in, int length, ByteBuf out) {
    int at = out.writerIndex();
    ByteBuffer target = out.nioBuffer(at, length);
    crypt(in.nioBuffer(in.readerIndex(), length), target);
    in.skipBytes(length);
    mac.update(out.nioBuffer(at, length));
    out.writerIndex(at + length);
    out.writeBytes(mac.doFinal());
  }

  /** Whether the last {@link #macLength()} bytes of the packet at {@code in[from, from+length)} are the MAC of the rest. */
  boolean authentic(ByteBuf in, int from, int length) {
    int body = length - macLength();
    mac.update(in.nioBuffer(from, body));
    byte[] expected = mac.doFinal();
    byte[] actual = new byte[expected.length];
    in.getBytes(from + body, actual);
    return MessageDigest.isEqual(expected, actual);
  }

  /** Decrypts {@code length} bytes of {@code in} from {@code from} into {@code out}. */
  void decrypt(ByteBuf in, int from, int length, ByteBuf out) {
    int at = out.writerIndex();
    crypt(in.nioBuffer(from, length), out.nioBuffer(at, length));
    out.writerIndex(at + length);
  }

  private void crypt(ByteBuffer in, ByteBuffer out) {
    try {
      aes.update(in, out);
    } catch (ShortBufferException e) {
      throw new IllegalStateException("an output buffer sized for its input was short", e);
    }
  }
}
