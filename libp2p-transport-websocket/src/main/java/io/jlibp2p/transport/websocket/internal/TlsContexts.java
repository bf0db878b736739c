package io.jlibp2p.transport.websocket.internal;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS under {@code wss}: ordinary web PKI TLS, as a browser expects, not libp2p's TLS (which
 * authenticates peer IDs, and runs above the WebSocket if it is the connection's secure channel).
 * The JDK's provider, so no native library is needed; ALPN {@code http/1.1}, the protocol the
 * upgrade speaks.
 */
public final class TlsContexts {

  private static final ApplicationProtocolConfig HTTP_1_1 = new ApplicationProtocolConfig(
      ApplicationProtocolConfig.Protocol.ALPN,
      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
      ApplicationProtocolNames.HTTP_1_1);

  private TlsContexts() {}

  /**
   * A server context from a key store holding the private key and its certificate chain.
   *
   * @throws IllegalArgumentException if the store holds no usable key under that password
   */
  public static SslContext server(KeyStore keyStore, char[] password) {
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, password);
      return SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).applicationProtocolConfig(HTTP_1_1).build();
    } catch (GeneralSecurityException | SSLException e) {
      throw new IllegalArgumentException("the key store holds no usable server key and certificate: " + e.getMessage(),
          e);
    }
  }

  /**
   * A server context from PEM files: the certificate chain (the server's certificate first) and
   * its unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}).
   *
   * @throws IllegalArgumentException if a file cannot be read or holds no certificate or key
   */
  public static SslContext server(Path certificateChain, Path privateKey) {
    try {
      return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile())
          .sslProvider(SslProvider.JDK)
          .applicationProtocolConfig(HTTP_1_1)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use " + certificateChain + " and " + privateKey
          + " as the wss server's certificate chain and PKCS#8 private key (PEM): " + rootMessage(e), e);
    }
  }

  /**
   * A client context that verifies the server's certificate chain against {@code trustStore}, or
   * the JDK's default trust store when null, and the server's name against the certificate.
   */
  public static SslContext client(KeyStore trustStore) {
    try {
      SslContextBuilder builder = clientBuilder();
      if (trustStore != null) {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trustStore);
        builder.trustManager(trust);
      }
      return builder.build();
    } catch (GeneralSecurityException | SSLException e) {
      throw new IllegalArgumentException("cannot verify wss servers with this trust store: " + e.getMessage(), e);
    }
  }

  /**
   * A client context that trusts only the X.509 certificates in a PEM file, and checks the
   * server's name against its certificate.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no certificate
   */
  public static SslContext client(Path trustedCertificatesPem) {
    try {
      return clientBuilder().trustManager(trustedCertificatesPem.toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use " + trustedCertificatesPem
          + " as the certificates (PEM) to verify wss servers with: " + rootMessage(e), e);
    }
  }

  private static SslContextBuilder clientBuilder() {
    return SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .endpointIdentificationAlgorithm("HTTPS")
        .applicationProtocolConfig(HTTP_1_1);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
  }
}
