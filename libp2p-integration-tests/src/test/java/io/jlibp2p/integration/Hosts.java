package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.examples.EchoHandler;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.perf.Perf;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;

/** Hosts and handlers the integration tests share. */
final class Hosts {

  static final String ECHO = "/echo/1.0.0";

  private Hosts() {}

  /** A host on TCP loopback with plaintext and mplex, serving echo and ping, able to run perf. */
  static Host plaintextMplex() {
    return plaintextMplex(PrivateKey.generate());
  }

  static Host plaintextMplex(PrivateKey identity) {
    return serving(Host.builder().identity(identity).secureChannel(new PlaintextSecureChannel()).muxer(MplexStreamMuxer.create()));
  }

  /** A host on TCP loopback with noise and mplex, serving echo and ping, able to run perf. */
  static Host noiseMplex() {
    return serving(Host.builder().secureChannel(new NoiseSecureChannel()).muxer(MplexStreamMuxer.create()));
  }

  /** A host on TCP loopback with noise and yamux, serving echo and ping, able to run perf. */
  static Host noiseYamux() {
    return serving(Host.builder().secureChannel(new NoiseSecureChannel()).muxer(YamuxStreamMuxer.create()));
  }

  /** A host on TCP loopback with plaintext and yamux, serving echo and ping, able to run perf. */
  static Host plaintextYamux() {
    return serving(Host.builder().secureChannel(new PlaintextSecureChannel()).muxer(YamuxStreamMuxer.create()));
  }

  /** A host on TCP loopback with secio and mplex, the legacy stack, serving echo and ping, able to run perf. */
  static Host secioMplex() {
    return secioMplex(PrivateKey.generate());
  }

  static Host secioMplex(PrivateKey identity) {
    return serving(Host.builder().identity(identity).secureChannel(new SecioSecureChannel()).muxer(MplexStreamMuxer.create()));
  }

  private static Host serving(Host.Builder builder) {
    Host host =
        builder
            .transport(TcpTransport.builder().threads(2).build())
            .listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"))
            .service(new Ping())
            .service(Perf.client())
            .build();
    host.setStreamHandler(ECHO, stream -> stream.pipeline().addLast(EchoHandler.INSTANCE));
    return host;
  }

  /** The ping service of a host made here. */
  static Ping ping(Host host) {
    return host.service(Ping.class).orElseThrow();
  }

  /** The perf client service of a host made here. */
  static Perf perf(Host host) {
    return host.service(Perf.class).orElseThrow();
  }
}
