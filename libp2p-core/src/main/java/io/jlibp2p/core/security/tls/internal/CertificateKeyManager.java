package io.jlibp2p.core.security.tls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one {@link CertifiedKey} as both client and server, whatever the peer asks for: a
 * libp2p certificate is self-signed, so the issuers a peer names do not matter. The JDK asks for a
 * server alias once per key type; only the certificate's own type ({@code EC}) gets one.
 */
public final class CertificateKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "libp2p";
  private static final String KEY_TYPE = "EC";

  private final CertifiedKey certified;

  public CertificateKeyManager(CertifiedKey certified) {
    this.certified = certified;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return clientAlias(keyTypes);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return KEY_TYPE.equals(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return clientAlias(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return KEY_TYPE.equals(keyType) ? ALIAS : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return KEY_TYPE.equals(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return KEY_TYPE.equals(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? certified.chain().toArray(X509Certificate[]::new) : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? certified.key() : null;
  }

  private static String clientAlias(String[] keyTypes) {
    return keyTypes != null && Arrays.asList(keyTypes).contains(KEY_TYPE) ? ALIAS : null;
  }
}
