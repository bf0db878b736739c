package io.jlibp2p.integration;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.transport.Transport;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.examples.EchoHandler;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.perf.Perf;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.tls.TlsSecureChannel;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import java.util.function.Supplier;

/** Hosts and handlers the integration tests share, the soak test's among them. */
public final class Hosts {

  /** The echo protocol every host made here serves ({@link EchoHandler}). */
  public static final String ECHO = "/echo/1.0.0";

  /** A secure channel and a muxer: each pair the host tests run over. */
  public enum Stack {
    NOISE_YAMUX(NoiseSecureChannel.PROTOCOL_ID, NoiseSecureChannel::new, YamuxStreamMuxer.PROTOCOL_ID, YamuxStreamMuxer::create),
    NOISE_MPLEX(NoiseSecureChannel.PROTOCOL_ID, NoiseSecureChannel::new, MplexStreamMuxer.PROTOCOL_ID, MplexStreamMuxer::create),
    TLS_YAMUX(TlsSecureChannel.PROTOCOL_ID, TlsSecureChannel::create, YamuxStreamMuxer.PROTOCOL_ID, YamuxStreamMuxer::create),
    TLS_MPLEX(TlsSecureChannel.PROTOCOL_ID, TlsSecureChannel::create, MplexStreamMuxer.PROTOCOL_ID, MplexStreamMuxer::create),
    PLAINTEXT_YAMUX(PlaintextSecureChannel.PROTOCOL_ID, PlaintextSecureChannel::new, YamuxStreamMuxer.PROTOCOL_ID, YamuxStreamMuxer::create),
    PLAINTEXT_MPLEX(PlaintextSecureChannel.PROTOCOL_ID, PlaintextSecureChannel::new, MplexStreamMuxer.PROTOCOL_ID, MplexStreamMuxer::create),
    SECIO_YAMUX(SecioSecureChannel.PROTOCOL_ID, SecioSecureChannel::new, YamuxStreamMuxer.PROTOCOL_ID, YamuxStreamMuxer::create),
    /** The legacy stack, as js-libp2p 0.29 speaks it. */
    SECIO_MPLEX(SecioSecureChannel.PROTOCOL_ID, SecioSecureChannel::new, MplexStreamMuxer.PROTOCOL_ID, MplexStreamMuxer::create);

    private final String securityProtocol;
    private final Supplier<SecureChannel> secureChannel;
    private final String muxerProtocol;
    private final Supplier<StreamMuxer> muxer;

    Stack(String securityProtocol, Supplier<SecureChannel> secureChannel, String muxerProtocol, Supplier<StreamMuxer> muxer) {
      this.securityProtocol = securityProtocol;
      this.secureChannel = secureChannel;
      this.muxerProtocol = muxerProtocol;
      this.muxer = muxer;
    }

    /** The protocol ID a connection over this stack reports as its security. */
    String securityProtocol() {
      return securityProtocol;
    }

    /** Whether two jlibp2p hosts over this stack agree on the muxer in the security handshake. */
    boolean muxerInHandshake() {
      return securityProtocol.equals(NoiseSecureChannel.PROTOCOL_ID) || securityProtocol.equals(TlsSecureChannel.PROTOCOL_ID);
    }

    /** The protocol ID a connection over this stack reports as its muxer. */
    String muxerProtocol() {
      return muxerProtocol;
    }

    /** A builder with this stack's secure channel and muxer, and nothing else: add a transport. */
    public Host.Builder builder() {
      return Host.builder().secureChannel(secureChannel.get()).muxer(muxer.get());
    }

    /** A host with this stack on TCP loopback, serving echo and ping, able to run perf. */
    public Host host() {
      return serving(builder());
    }

    /** {@link #host()} with the given identity. */
    Host host(PrivateKey identity) {
      return serving(builder().identity(identity));
    }
  }

  private Hosts() {}

  /** A host on TCP loopback with plaintext and mplex, serving echo and ping, able to run perf. */
  static Host plaintextMplex() {
    return Stack.PLAINTEXT_MPLEX.host();
  }

  static Host plaintextMplex(PrivateKey identity) {
    return Stack.PLAINTEXT_MPLEX.host(identity);
  }

  /** A host on TCP loopback with noise and mplex, serving echo and ping, able to run perf. */
  static Host noiseMplex() {
    return Stack.NOISE_MPLEX.host();
  }

  /** A host on TCP loopback with noise and yamux, serving echo and ping, able to run perf. */
  static Host noiseYamux() {
    return Stack.NOISE_YAMUX.host();
  }

  /** A host on TCP loopback with plaintext and yamux, serving echo and ping, able to run perf. */
  static Host plaintextYamux() {
    return Stack.PLAINTEXT_YAMUX.host();
  }

  /** A host on TCP loopback with secio and yamux, serving echo and ping, able to run perf. */
  static Host secioYamux() {
    return Stack.SECIO_YAMUX.host();
  }

  /** A host on TCP loopback with secio and mplex, the legacy stack, serving echo and ping, able to run perf. */
  static Host secioMplex() {
    return Stack.SECIO_MPLEX.host();
  }

  static Host secioMplex(PrivateKey identity) {
    return Stack.SECIO_MPLEX.host(identity);
  }

  /** {@code builder} on TCP loopback, serving echo and ping, able to run perf. */
  static Host serving(Host.Builder builder) {
    return serving(builder, TcpTransport.builder().threads(2).build(), Multiaddr.fromString("/ip4/127.0.0.1/tcp/0"));
  }

  /** {@code builder} with {@code transport}, listening on {@code listenOn}, serving echo and ping, able to run perf. */
  public static Host serving(Host.Builder builder, Transport transport, Multiaddr listenOn) {
    Host host =
        builder
            .transport(transport)
            .listenOn(listenOn)
            .service(new Ping())
            .service(Perf.client())
            .build();
    // Served on relayed connections too, so that the relay tests can echo through a circuit.
    host.setStreamHandler(ECHO, EchoHandler.streamHandler());
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
