package io.jlibp2p.crypto;

import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Reads the DER that ECDSA and RSA keys are stored in, accepting one encoding only. Peer IDs hash
 * the serialized public key, so a key that re-marshals to other bytes would have two peer IDs; the
 * <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys">peer-id spec</a>
 * names DER (X.690), and go's parsers reject BER-only forms and bytes after a public key too.
 */
final class StrictDer {

  private StrictDer() {}

  /**
   * The single DER element that is all of {@code data}.
   *
   * @param what names the key in messages, e.g. "RSA private key"
   */
  static ASN1Primitive read(byte[] data, String what) {
    ASN1Primitive element = readOne(data, what);
    requireDer(element, data, what);
    return element;
  }

  /** The SubjectPublicKeyInfo that is all of {@code data}, with a key of whole bytes. */
  static SubjectPublicKeyInfo readSubjectPublicKeyInfo(byte[] data, String what) {
    ASN1Primitive element = readOne(data, what);
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(element);
    } catch (RuntimeException e) {
      throw new InvalidKeyFormatException(what + " is not a DER SubjectPublicKeyInfo", e);
    }
    // Before the DER check, whose failure for set unused bits would say less.
    requireWholeBytes(info.getPublicKeyData(), what + "'s subjectPublicKey");
    requireDer(element, data, what);
    return info;
  }

  /** Rejects a BIT STRING that declares unused bits: every key format here is whole bytes. */
  static void requireWholeBytes(ASN1BitString bits, String what) {
    if (bits.getPadBits() != 0) {
      throw new InvalidKeyFormatException(
          what + " BIT STRING declares " + bits.getPadBits() + " unused bits; a key has none");
    }
  }

  /**
   * Rejects a key that the JDK decoded but encodes differently (say, an rsaEncryption
   * AlgorithmIdentifier without the NULL parameters go requires), so that {@code raw()} is always
   * the input.
   */
  static void requireReencodes(byte[] data, byte[] reencoded, String what) {
    if (!Arrays.equals(data, reencoded)) {
      throw new InvalidKeyFormatException(
          what + " does not re-encode to the same bytes, so it would not hash to the peer ID it"
              + " was sent with");
    }
  }

  /** The one BER element that is all of {@code data}. */
  private static ASN1Primitive readOne(byte[] data, String what) {
    if (data.length == 0) {
      throw new InvalidKeyFormatException(what + " is empty");
    }
    ASN1Primitive element;
    int rest;
    try (ASN1InputStream in = new ASN1InputStream(data)) {
      element = in.readObject();
      rest = in.available();
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyFormatException(what + " is not DER: " + e.getMessage(), e);
    }
    if (rest > 0) {
      throw new InvalidKeyFormatException(
          what + " has " + rest + (rest == 1 ? " byte" : " bytes") + " after its DER encoding");
    }
    return element;
  }

  /** Rejects BER forms that DER forbids, which BouncyCastle reads but would not write back. */
  private static void requireDer(ASN1Primitive element, byte[] data, String what) {
    byte[] der;
    try {
      der = element.getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new InvalidKeyFormatException(what + " is not DER: " + e.getMessage(), e);
    }
    if (!Arrays.equals(der, data)) {
      throw new InvalidKeyFormatException(
          what + " is BER but not DER (say, a long-form length below 128, or set unused bits)");
    }
  }
}
