package io.jlibp2p.secio.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How two SECIO Propose messages decide the algorithms: whose preferences win, and the first of
 * the winner's list that the other side also offers.
 */
final class Proposals {

  /** What this side offers, in go's and js's order. */
  static final String EXCHANGES = "P-256,P-384,P-521";
  static final String CIPHERS = "AES-256,AES-128";
  static final String HASHES = "SHA256,SHA512";

  private Proposals() {}

  /**
   * Compares {@code sha256(remoteKey || localNonce)} with {@code sha256(localKey || remoteNonce)}:
   * positive if the local preferences win, negative if the remote's do, zero if this node is
   * talking to itself.
   */
  static int order(byte[] localKey, byte[] localNonce, byte[] remoteKey, byte[] remoteNonce) {
    byte[] oh1 = sha256(remoteKey, localNonce);
    byte[] oh2 = sha256(localKey, remoteNonce);
    return Arrays.compareUnsigned(oh1, oh2);
  }

  private static byte[] sha256(byte[] a, byte[] b) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(a);
      return digest.digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** The first entry of the winning list that the other list also has. */
  static Optional<String> select(int order, String local, String remote) {
    List<String> ours = split(local);
    List<String> theirs = split(remote);
    List<String> preferred = order >= 0 ? ours : theirs;
    List<String> other = order >= 0 ? theirs : ours;
    return preferred.stream().filter(other::contains).findFirst();
  }

  private static List<String> split(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
