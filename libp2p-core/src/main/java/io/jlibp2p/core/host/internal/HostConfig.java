package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.host.EarlyStreamEnd;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.HostService;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.peerstore.Peerstore;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What {@link Host.Builder} collected, immutable, for {@link DefaultHost}. */
public record HostConfig(
    PrivateKey identity,
    List<Transport> transports,
    List<SecureChannel> secureChannels,
    List<StreamMuxer> muxers,
    List<Multiaddr> listenOn,
    List<HostService> services,
    Duration upgradeTimeout,
    Duration negotiationTimeout,
    Duration closeGracePeriod,
    String agentVersion,
    Optional<Peerstore> peerstore,
    EventListener eventListener,
    Optional<EventLoopGroup> eventLoopGroup,
    Clock clock,
    ResourceLimits resourceLimits,
    ConnectionGater connectionGater,
    ConnectionManagerConfig connectionManager,
    Duration dialBackoff,
    EarlyStreamEnd earlyStreamEnd) {

  public HostConfig {
    transports = List.copyOf(transports);
    secureChannels = List.copyOf(secureChannels);
    muxers = List.copyOf(muxers);
    listenOn = List.copyOf(listenOn);
    services = List.copyOf(services);
  }

  /** A builder holding these settings but the transports and services, which belong to one host each. */
  Host.Builder toBuilder() {
    Host.Builder builder = Host.builder()
        .identity(identity)
        .upgradeTimeout(upgradeTimeout)
        .negotiationTimeout(negotiationTimeout)
        .closeGracePeriod(closeGracePeriod)
        .agentVersion(agentVersion)
        .eventListener(eventListener)
        .clock(clock)
        .resourceLimits(resourceLimits)
        .connectionGater(connectionGater)
        .connectionManager(connectionManager)
        .dialBackoff(dialBackoff)
        .earlyStreamEnd(earlyStreamEnd);
    secureChannels.forEach(builder::secureChannel);
    muxers.forEach(builder::muxer);
    listenOn.forEach(builder::listenOn);
    peerstore.ifPresent(builder::peerstore);
    eventLoopGroup.ifPresent(builder::eventLoopGroup);
    return builder;
  }
}
