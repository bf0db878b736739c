package io.jlibp2p.examples;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.identify.Identify;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jlibp2p identify ADDR}: what the peer says about itself over {@value Identify#PROTOCOL_ID}. */
@Command(name = "identify", description = "Print what a peer says about itself over " + Identify.PROTOCOL_ID + ".")
final class IdentifyCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Parameters(paramLabel = "ADDR", description = "The peer's multiaddr, ideally with /p2p/<peer ID>.")
  String address;

  @Override
  public Integer call() {
    try (Host host = options.buildHost(List.of())) {
      Cli.await(host.start(), options.timeout(), "start");
      Connection connection = options.connect(host, address);
      IdentifyInfo info = Cli.await(connection.identify(), options.timeout(), "identify " + connection.remotePeer());
      List<String> listen = info.listenAddresses().stream().map(Multiaddr::toString).toList();
      String observed = info.observedAddress().map(Multiaddr::toString).orElse(null);
      String keyType = info.publicKey().map(k -> k.type().name()).orElse(null);
      if (options.json) {
        options.out.println(options.result(connection)
            .put("protocols", info.protocols())
            .put("agentVersion", info.agentVersion().orElse(null))
            .put("protocolVersion", info.protocolVersion().orElse(null))
            .put("listenAddrs", listen)
            .put("observedAddr", observed)
            .put("publicKeyType", keyType)
            .put("signedPeerRecord", info.signedPeerRecord().isPresent()));
      } else {
        options.out.println("peer:             " + connection.remotePeer());
        options.out.println("connection:       " + Stacks.shortName(connection.securityProtocol()) + ", "
            + Stacks.shortName(connection.muxerProtocol()));
        options.out.println("agent version:    " + info.agentVersion().orElse("(not sent)"));
        options.out.println("protocol version: " + info.protocolVersion().orElse("(not sent)"));
        options.out.println("public key:       " + (keyType != null ? keyType : "(not sent)"));
        options.out.println("observed address: " + (observed != null ? observed : "(not sent)"));
        options.out.println("signed record:    " + info.signedPeerRecord()
            .map(r -> "seq " + Long.toUnsignedString(r.record().seq()) + ", " + r.record().addresses().size() + " addresses")
            .orElse("(none)"));
        options.out.println("listen addresses:");
        listen.forEach(a -> options.out.println("  " + a));
        options.out.println("protocols:");
        info.protocols().forEach(p -> options.out.println("  " + p));
      }
    }
    return 0;
  }
}
