package io.jlibp2p.core.security.tls.internal;

import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.core.security.tls.TlsCertificateException;
import io.jlibp2p.core.security.tls.TlsCertificateException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * The value of the libp2p public-key extension, {@code SignedKey ::= SEQUENCE { publicKey OCTET
 * STRING, signature OCTET STRING }}: the host key (the libp2p protobuf {@code PublicKey}) and its
 * signature of {@code "libp2p-tls-handshake:"} followed by the certificate's DER
 * SubjectPublicKeyInfo. This binds the certificate's key, which signs the TLS handshake, to the
 * peer ID.
 *
 * @param publicKey the host key, as the libp2p {@code PublicKey} protobuf
 * @param signature the host key's signature (see above)
 */
public record SignedKey(byte[] publicKey, byte[] signature) {

  /** The extension's OID, allocated by IANA to libp2p. */
  public static final ASN1ObjectIdentifier OID = new ASN1ObjectIdentifier("1.3.6.1.4.1.53594.1.1");

  private static final byte[] PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);

  /** {@code hostKey}'s signed key for a certificate whose SubjectPublicKeyInfo is {@code spki}. */
  public static SignedKey sign(PrivateKey hostKey, byte[] spki) {
    return new SignedKey(hostKey.publicKey().marshal(), hostKey.sign(signedData(spki)));
  }

  /** The DER encoding, as the extension's value. */
  public byte[] encode() {
    try {
      return new DERSequence(new ASN1Encodable[] {new DEROctetString(publicKey), new DEROctetString(signature)})
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding to memory cannot fail", e);
    }
  }

  /**
   * Reads an extension value. Strict about the shape (one SEQUENCE of exactly two OCTET STRINGs,
   * nothing after it), not about DER versus BER: the signature binds the key's bytes, not their
   * ASN.1 encoding.
   *
   * @throws DecodingException if {@code encoded} is anything else
   */
  public static SignedKey decode(byte[] encoded) {
    ASN1Primitive value;
    try {
      // Throws on bytes after the value, and bounds lengths by the input's.
      value = ASN1Primitive.fromByteArray(encoded);
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports malformed input as IOException or as one of several runtime
      // exceptions (ASN1ParsingException, IllegalArgumentException); all mean the same here.
      throw new DecodingException("libp2p public-key extension is not valid ASN.1: " + e.getMessage(), e);
    }
    if (!(value instanceof ASN1Sequence sequence) || sequence.size() != 2) {
      throw new DecodingException("libp2p public-key extension must be a SEQUENCE of two OCTET STRINGs");
    }
    if (!(sequence.getObjectAt(0) instanceof ASN1OctetString key)
        || !(sequence.getObjectAt(1) instanceof ASN1OctetString signed)) {
      throw new DecodingException("libp2p public-key extension must be a SEQUENCE of two OCTET STRINGs");
    }
    return new SignedKey(key.getOctets(), signed.getOctets());
  }

  /**
   * The host key, once its signature of {@code spki} (the certificate's SubjectPublicKeyInfo, DER)
   * is verified.
   *
   * @throws TlsCertificateException if the key is not a libp2p public key, or the signature does
   *     not verify
   */
  public PublicKey verify(byte[] spki) throws TlsCertificateException {
    PublicKey hostKey;
    try {
      hostKey = PublicKey.unmarshal(publicKey);
    } catch (DecodingException e) {
      throw new TlsCertificateException(
          Reason.MALFORMED_LIBP2P_EXTENSION, "the certificate's host key is not a libp2p public key: " + e.getMessage(), e);
    }
    if (!hostKey.verify(signedData(spki), signature)) {
      throw new TlsCertificateException(
          Reason.BAD_LIBP2P_SIGNATURE, "the host key's signature of the certificate's key does not verify");
    }
    return hostKey;
  }

  private static byte[] signedData(byte[] spki) {
    byte[] data = Arrays.copyOf(PREFIX, PREFIX.length + spki.length);
    System.arraycopy(spki, 0, data, PREFIX.length, spki.length);
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedKey other
        && Arrays.equals(publicKey, other.publicKey)
        && Arrays.equals(signature, other.signature);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(publicKey) + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedKey[publicKey=" + publicKey.length + " bytes, signature=" + signature.length + " bytes]";
  }
}
