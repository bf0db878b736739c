package io.jlibp2p.core.resource;

import io.jlibp2p.crypto.PeerId;
import java.util.Map;

/**
 * A read-only view of what a host's resource scopes hold now, for metrics and diagnostics: {@code
 * host.resourceUsage()}. Each call takes a fresh snapshot; scopes that hold nothing are left out of
 * the maps.
 */
public interface ResourceUsage {

  /** Everything the host holds. */
  ScopeUsage system();

  /** Connections still in their handshake, and streams still negotiating their protocol. */
  ScopeUsage transientScope();

  /** Per peer with anything open. */
  Map<PeerId, ScopeUsage> peers();

  /** Per protocol with a stream open. */
  Map<String, ScopeUsage> protocols();

  /** Per service with a stream open. */
  Map<String, ScopeUsage> services();

  /** The limits the scopes are held to. */
  ResourceLimits limits();
}
