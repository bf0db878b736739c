package io.jlibp2p.core.security.tls.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The TBSCertificate and the SubjectPublicKeyInfo of a certificate, cut out of its bytes as they
 * were received: both signatures of a libp2p certificate are over those exact bytes, as go
 * ({@code RawTBSCertificate}, {@code RawSubjectPublicKeyInfo}) and rust check them, not over a
 * re-encoding, which differs from the original wherever a peer's encoder strayed from DER.
 *
 * <p>Reads definite lengths only (DER has no other); the certificate's structure has been parsed
 * already, so this walks, it does not validate.
 *
 * @param tbs the TBSCertificate's whole encoding (tag, length, content)
 * @param spki the SubjectPublicKeyInfo's whole encoding
 */
public record DerSlices(byte[] tbs, byte[] spki) {

  /** The TBSCertificate's fields before the SubjectPublicKeyInfo, after the optional version. */
  private static final int FIELDS_BEFORE_KEY = 5; // serialNumber, signature, issuer, validity, subject

  private static final int CONTEXT_TAG_0 = 0xa0;

  /**
   * The slices of {@code certificate}.
   *
   * @throws IllegalArgumentException if the bytes are not in the shape of a certificate
   */
  static DerSlices of(byte[] certificate) {
    int tbsStart = contentStart(certificate, 0);
    int tbsContent = contentStart(certificate, tbsStart);
    int tbsEnd = end(certificate, tbsStart);
    int field = tbsContent;
    if (field < tbsEnd && (certificate[field] & 0xff) == CONTEXT_TAG_0) {
      field = end(certificate, field);
    }
    for (int i = 0; i < FIELDS_BEFORE_KEY; i++) {
      field = end(certificate, field);
    }
    int keyEnd = end(certificate, field);
    if (keyEnd > tbsEnd) {
      throw new IllegalArgumentException("the SubjectPublicKeyInfo runs past the TBSCertificate");
    }
    return new DerSlices(Arrays.copyOfRange(certificate, tbsStart, tbsEnd), Arrays.copyOfRange(certificate, field, keyEnd));
  }

  /**
   * One whole DER element read from {@code in}, tag, length and content, and no byte more.
   *
   * @throws IOException if {@code in} ends first, or the element is not definite-length DER
   */
  public static byte[] element(InputStream in) throws IOException {
    int tag = in.read();
    int first = in.read();
    if (tag < 0 || first < 0 || (tag & 0x1f) == 0x1f) {
      throw new IOException("not a DER element");
    }
    int count;
    try {
      count = lengthBytes(first, 1);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    byte[] lengthBytes = in.readNBytes(count);
    if (lengthBytes.length != count) {
      throw new IOException("the stream ended inside a DER length");
    }
    long length = count == 0 ? first : unsigned(lengthBytes, 0, count);
    if (length > Integer.MAX_VALUE - 16) {
      throw new IOException("a DER element of " + length + " bytes");
    }
    byte[] content = in.readNBytes((int) length);
    if (content.length != length) {
      throw new IOException("the stream ended inside a DER element");
    }
    ByteArrayOutputStream whole = new ByteArrayOutputStream(2 + count + content.length);
    whole.write(tag);
    whole.write(first);
    whole.write(lengthBytes);
    whole.write(content);
    return whole.toByteArray();
  }

  /** Where the content of the element at {@code at} starts. */
  private static int contentStart(byte[] der, int at) {
    return header(der, at)[0];
  }

  /** Where the element at {@code at} ends. */
  private static int end(byte[] der, int at) {
    int[] header = header(der, at);
    return header[0] + header[1];
  }

  /** The content's start and length of the element at {@code at}; single-byte tags only. */
  private static int[] header(byte[] der, int at) {
    if (at + 2 > der.length || (der[at] & 0x1f) == 0x1f) {
      throw new IllegalArgumentException("no element at byte " + at);
    }
    int first = der[at + 1] & 0xff;
    int count = lengthBytes(first, at + 1);
    int start = at + 2 + count;
    if (start > der.length) {
      throw new IllegalArgumentException("not a definite DER length at byte " + (at + 1));
    }
    long length = count == 0 ? first : unsigned(der, at + 2, count);
    if (start + length > der.length) {
      throw new IllegalArgumentException("element at byte " + at + " runs past the end");
    }
    return new int[] {start, (int) length};
  }

  /**
   * How many bytes of length follow the first byte of a DER length, {@code first}, found at byte
   * {@code at}: none for the short form, one to four for the long form (longer ones would claim
   * more than a Java array holds); the indefinite form is BER's, not DER's.
   */
  private static int lengthBytes(int first, int at) {
    if (first < 0x80) {
      return 0;
    }
    int count = first & 0x7f;
    if (count == 0 || count > 4) {
      throw new IllegalArgumentException("not a definite DER length at byte " + at);
    }
    return count;
  }

  /** The big-endian unsigned number in {@code count} bytes of {@code bytes} from {@code from}. */
  private static long unsigned(byte[] bytes, int from, int count) {
    long value = 0;
    for (int i = 0; i < count; i++) {
      value = (value << 8) | (bytes[from + i] & 0xff);
    }
    return value;
  }
}
