package io.jlibp2p.core.transport;

import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.crypto.PrivateKey;
import java.util.Objects;

/**
 * What a host tells each of its transports before the first dial or listen ({@link
 * Transport#attach}): what a transport that secures its connections itself, as QUIC does, needs
 * of the host.
 *
 * @param identity the host's key, which the transport's handshakes prove
 * @param limits the host's resource limits, by which the transport sizes what it grants a remote
 *     (QUIC: how many streams a remote may open at once)
 */
public record TransportContext(PrivateKey identity, ResourceLimits limits) {

  public TransportContext {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(limits, "limits");
  }
}
