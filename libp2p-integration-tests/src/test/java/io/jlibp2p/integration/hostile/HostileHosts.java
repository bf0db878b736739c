package io.jlibp2p.integration.hostile;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.examples.EchoHandler;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.tls.TlsSecureChannel;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The two hosts of every hostile case: the victim, with modest limits and every secure channel
 * and muxer an attacker may pick, and an honest peer beside it. The integration package's {@code
 * Hosts} is package-private, so this is its counterpart here, with the same services (ping, echo).
 */
final class HostileHosts {

  /** The echo protocol the victim serves, as {@code Hosts.ECHO}. */
  static final String ECHO = "/echo/1.0.0";

  /**
   * Each upgrade phase and each stream negotiation of the victim: a modest 3 s rather than the
   * default 10 s, so that timeouts show within the suite's budget, yet longer than every bound on a
   * prompt cut-off, so that a timeout never passes for a detected violation.
   */
  static final Duration PHASE_TIMEOUT = Duration.ofSeconds(3);

  /** Streams the remote may keep open on one victim connection, per muxer: modest, not 4096. */
  static final int MAX_STREAMS = 256;

  /** Unread bytes an mplex stream of the victim may hold before it is reset: 1 MiB, not 4. */
  static final long MPLEX_MAX_UNREAD_PER_STREAM = 1L << 20;

  /** Unread bytes all mplex streams of one victim connection may hold: 8 MiB, not 64. */
  static final long MPLEX_MAX_UNREAD_PER_CONNECTION = 8L << 20;

  /**
   * The victim's resource limits: what a JVM with 256 MiB of heap and 4096 file descriptors gets
   * by default (128 transient connections, 16 per address, 128 MiB of buffers).
   */
  static final ResourceLimits LIMITS = ResourceLimits.autoscaled(256L << 20, 4096);

  private HostileHosts() {}

  /**
   * The victim: TCP on 127.0.0.1 (which also answers the attackers' 127.0.0.2), noise, TLS,
   * plaintext and secio, yamux and mplex, with the limits above; serving ping and echo.
   */
  static Host victim(io.jlibp2p.core.host.EventListener events) {
    Host host = Host.builder()
        .eventListener(events)
        .transport(TcpTransport.builder().threads(2).build())
        .secureChannel(new NoiseSecureChannel())
        .secureChannel(TlsSecureChannel.create())
        .secureChannel(new PlaintextSecureChannel())
        .secureChannel(new SecioSecureChannel())
        .muxer(YamuxStreamMuxer.builder().maxStreams(MAX_STREAMS).build())
        .muxer(MplexStreamMuxer.builder()
            .maxStreams(MAX_STREAMS)
            .maxUnreadPerStream(MPLEX_MAX_UNREAD_PER_STREAM)
            .maxUnreadPerConnection(MPLEX_MAX_UNREAD_PER_CONNECTION)
            .build())
        .upgradeTimeout(PHASE_TIMEOUT)
        .negotiationTimeout(PHASE_TIMEOUT)
        .resourceLimits(LIMITS)
        .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
        .service(new Ping())
        .build();
    host.setStreamHandler(ECHO, stream -> stream.pipeline().addLast(EchoHandler.INSTANCE));
    return host;
  }

  /**
   * The honest peer: noise and yamux, as a modern go or js node dials, from 127.0.0.1. Its dial
   * backoff is 250 ms rather than 5 s, so that a redial after a refusal fits in the suite's 5 s.
   */
  static Host honest() {
    return Host.builder()
        .dialBackoff(Duration.ofMillis(250))
        .transport(TcpTransport.builder().threads(1).build())
        .secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.create())
        .service(new Ping())
        .build();
  }

  /** The ping service of a host made here. */
  static Ping ping(Host host) {
    return host.service(Ping.class).orElseThrow();
  }

  /** Where {@code host} listens, as a socket address for hand-made clients. */
  static InetSocketAddress socketAddress(Host host) {
    Multiaddr address = host.listenAddresses().get(0);
    String ip = address.valueOf(MultiaddrProtocol.IP4).orElseThrow();
    int port = Integer.parseInt(address.valueOf(MultiaddrProtocol.TCP).orElseThrow());
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an IPv4 literal always resolves: " + ip, e);
    }
  }
}
