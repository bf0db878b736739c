package io.jlibp2p.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A web PKI test certificate for TLS servers (such as {@code wss} listeners): a test authority and
 * a server certificate it signed for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, ECDSA
 * P-256, valid until 2126. Made once with openssl and committed; nothing trusts the authority but
 * the tests that ask for {@link #trustStore()}.
 */
public final class TestCertificates {

  private static final String RESOURCES = "/io/jlibp2p/testing/wss/";
  private static Path directory;

  private TestCertificates() {}

  /** The server's certificate chain, PEM, the server's certificate first, as a file. */
  public static Path serverChainPem() {
    return file("server-chain.pem");
  }

  /** The server's unencrypted PKCS#8 private key, PEM, as a file. */
  public static Path serverKeyPem() {
    return file("server-key.pem");
  }

  /** The test authority's certificate, PEM, as a file (for {@code NODE_EXTRA_CA_CERTS}, say). */
  public static Path authorityPem() {
    return file("ca.pem");
  }

  /** A key store that trusts only the test authority. */
  public static KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("jlibp2p-test-ca", certificates("ca.pem")[0]);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the committed test authority cannot be loaded", e);
    }
  }

  /** A PKCS#12 key store holding the server's key and chain under {@code password}. */
  public static KeyStore serverKeyStore(char[] password) {
    try {
      String pem = new String(resource("server-key.pem"), StandardCharsets.US_ASCII);
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, password, certificates("server-chain.pem"));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the committed test certificate cannot be loaded", e);
    }
  }

  private static Certificate[] certificates(String name) throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(resource(name)))
        .toArray(Certificate[]::new);
  }

  private static synchronized Path file(String name) {
    try {
      if (directory == null) {
        directory = Files.createTempDirectory("jlibp2p-test-certificates");
        directory.toFile().deleteOnExit();
      }
      Path file = directory.resolve(name);
      if (!Files.exists(file)) {
        Files.write(file, resource(name));
        file.toFile().deleteOnExit();
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = TestCertificates.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCES + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
