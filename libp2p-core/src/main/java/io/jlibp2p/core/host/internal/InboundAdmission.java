package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.gater.ConnectionGatedException;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.muxer.InboundStreamHandler;
import io.jlibp2p.core.resource.internal.ConnectionResources;
import io.jlibp2p.core.resource.internal.ResourceManager;
import io.jlibp2p.core.transport.RawConnection;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a connection a listener accepts, before a byte of it is read: the gater may
 * refuse its address, the resource manager must have room for it (a full transient scope drops
 * its oldest handshake to make some), and then it is upgraded and handed to the host.
 */
final class InboundAdmission {

  private static final Logger log = LoggerFactory.getLogger(InboundAdmission.class);

  private final ConnectionGater gater;
  private final ResourceManager resources;
  private final ConnectionUpgrader upgrader;
  private final InboundStreamHandler inboundStreams;
  private final Consumer<HostConnection> adopt;
  private final HandshakingConnections handshaking = new HandshakingConnections();

  InboundAdmission(ConnectionGater gater, ResourceManager resources, ConnectionUpgrader upgrader,
      InboundStreamHandler inboundStreams, Consumer<HostConnection> adopt) {
    this.gater = gater;
    this.resources = resources;
    this.upgrader = upgrader;
    this.inboundStreams = inboundStreams;
    this.adopt = adopt;
  }

  /** The transport's callback for each accepted connection; on its event loop. */
  void accept(RawConnection raw) {
    if (!Gate.allows(() -> gater.allowAccept(raw.localAddress(), raw.remoteAddress()))) {
      log.debug("{}", ConnectionGatedException.accept(raw.localAddress(), raw.remoteAddress()).getMessage());
      raw.channel().close();
      return;
    }
    ConnectionResources reserved;
    try {
      reserved = reserve(raw);
    } catch (LimitExceededException e) {
      raw.channel().close(); // the manager reported the refusal
      return;
    }
    handshaking.add(raw.channel(), reserved);
    raw.channel().closeFuture().addListener(f -> handshaking.remove(raw.channel()));
    upgrader.upgrade(raw, Optional.empty(), inboundStreams, reserved)
        .whenComplete((c, e) -> handshaking.remove(raw.channel()))
        .thenAccept(adopt);
  }

  private ConnectionResources reserve(RawConnection raw) {
    try {
      // Quietly first: a refusal that an eviction turns into room is no refusal.
      return resources.openConnection(Direction.INBOUND, raw.remoteAddress(), false);
    } catch (LimitExceededException e) {
      if (e.scope().orElse("").equals("transient")) {
        handshaking.evictOldest();
      }
      return resources.openConnection(Direction.INBOUND, raw.remoteAddress());
    }
  }
}
